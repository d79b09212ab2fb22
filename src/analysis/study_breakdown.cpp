#include "simorch/analysis/study_breakdown.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

namespace simorch::analysis {
namespace {

// A task that ran to an outcome: pending and not_run tasks say nothing about a controller.
bool has_run(TaskStatus s) {
  return s == TaskStatus::completed || is_failure(s);
}

void check_shapes(const StudyTasks& t) {
  const std::size_t m = t.status.size();
  auto check = [m](std::size_t size, const char* what) {
    if (size != m)
      throw std::invalid_argument(
          fmt::format("study breakdown: {} has {} rows, status has {}", what, size, m));
  };
  check(t.success.size(), "success");
  check(t.case_index.size(), "case_index");
  check(t.sample.size(), "sample");
  check(t.grid_point.size(), "grid_point");
  for (const NamedColumn& c : t.metrics) check(c.values.size(), c.name.c_str());
  for (const NamedColumn& c : t.costs) check(c.values.size(), c.name.c_str());
  if (t.case_names.empty()) throw std::invalid_argument("study breakdown: no cases");
}

std::uint64_t count_points(const std::vector<GridAxis>& axes) {
  std::uint64_t points = 1;
  for (const GridAxis& a : axes) points *= a.values.size();
  return points;
}

std::vector<CaseSummary> summarise_cases(const StudyTasks& t) {
  std::vector<CaseSummary> cases(t.case_names.size());
  for (std::size_t c = 0; c < cases.size(); ++c) cases[c].name = t.case_names[c];
  for (std::size_t i = 0; i < t.status.size(); ++i) {
    CaseSummary& c = cases[static_cast<std::size_t>(t.case_index[i])];
    const TaskStatus s = t.status[i];
    ++c.tasks;
    if (s == TaskStatus::pending) ++c.pending;
    if (has_run(s)) ++c.finished;
    if (is_failure(s)) ++c.failed;
    if (s == TaskStatus::completed && t.success[i] != 0) ++c.successes;
  }
  for (CaseSummary& c : cases) {
    // Neither pending nor ran: the status past a stop (not_run).
    c.not_run = c.tasks - c.pending - c.finished;
    c.success_rate = wilson_interval(c.successes, c.finished);
  }
  std::vector<std::vector<double>> per_case(cases.size());
  for (const auto* group : {&t.metrics, &t.costs})
    for (const NamedColumn& column : *group) {
      for (auto& v : per_case) v.clear();
      for (std::size_t i = 0; i < t.status.size(); ++i)
        if (t.status[i] == TaskStatus::completed)
          per_case[static_cast<std::size_t>(t.case_index[i])].push_back(column.values[i]);
      for (std::size_t c = 0; c < cases.size(); ++c)
        cases[c].metrics.push_back({column.name, summarize_quantiles(per_case[c])});
    }
  return cases;
}

// The row of sample k of every case at every point: slot = point · samples + sample.
struct PairIndex {
  std::uint64_t slots = 0;
  std::vector<std::int64_t> row;  ///< [case · slots + slot], −1 when absent
};

PairIndex index_pairs(const StudyTasks& t, std::uint64_t num_points) {
  PairIndex index;
  std::uint64_t samples = 0;
  for (const std::uint64_t s : t.sample) samples = std::max(samples, s + 1);
  index.slots = samples * num_points;
  index.row.assign(t.case_names.size() * index.slots, -1);
  for (std::size_t i = 0; i < t.status.size(); ++i)
    index.row[static_cast<std::size_t>(t.case_index[i]) * index.slots + t.grid_point[i] * samples +
              t.sample[i]] = static_cast<std::int64_t>(i);
  return index;
}

CaseComparison compare(const StudyTasks& t, const PairIndex& index, std::size_t a, std::size_t b) {
  CaseComparison cmp;
  cmp.first = a;
  cmp.second = b;
  std::vector<std::vector<double>> differences(t.metrics.size());
  for (std::uint64_t k = 0; k < index.slots; ++k) {
    const std::int64_t ra = index.row[a * index.slots + k];
    const std::int64_t rb = index.row[b * index.slots + k];
    if (ra < 0 || rb < 0) continue;
    const auto ia = static_cast<std::size_t>(ra);
    const auto ib = static_cast<std::size_t>(rb);
    if (!has_run(t.status[ia]) || !has_run(t.status[ib])) continue;
    const bool sa = t.status[ia] == TaskStatus::completed && t.success[ia] != 0;
    const bool sb = t.status[ib] == TaskStatus::completed && t.success[ib] != 0;
    if (sa && sb) ++cmp.counts.both;
    if (sa && !sb) ++cmp.counts.only_first;
    if (!sa && sb) ++cmp.counts.only_second;
    if (!sa && !sb) ++cmp.counts.neither;
    // A failed task's metric describes how it fell, not how it was controlled.
    if (t.status[ia] != TaskStatus::completed || t.status[ib] != TaskStatus::completed) continue;
    for (std::size_t m = 0; m < t.metrics.size(); ++m)
      differences[m].push_back(t.metrics[m].values[ia] - t.metrics[m].values[ib]);
  }
  cmp.rate_difference = paired_rate_difference(cmp.counts);
  for (std::size_t m = 0; m < t.metrics.size(); ++m)
    cmp.metrics.push_back({t.metrics[m].name, mean_interval(differences[m])});
  return cmp;
}

GridSummary summarise_grid(const StudyTasks& t, std::uint64_t num_points,
                           const std::string& metric) {
  const auto column = std::find_if(t.metrics.begin(), t.metrics.end(),
                                   [&](const NamedColumn& c) { return c.name == metric; });
  if (column == t.metrics.end())
    throw std::invalid_argument(
        fmt::format("study breakdown: the grid metric '{}' is not a metric column", metric));
  GridSummary grid;
  grid.axes = t.axes;
  grid.num_points = num_points;
  grid.metric = metric;
  const std::size_t num_cases = t.case_names.size();
  grid.points.resize(num_cases);
  for (std::vector<GridPointSummary>& p : grid.points) p.resize(num_points);
  std::vector<std::vector<double>> values(num_cases * num_points);
  for (std::size_t i = 0; i < t.status.size(); ++i) {
    const auto c = static_cast<std::size_t>(t.case_index[i]);
    GridPointSummary& p = grid.points[c][t.grid_point[i]];
    const TaskStatus s = t.status[i];
    if (!has_run(s)) continue;
    ++p.finished;
    if (s != TaskStatus::completed) continue;
    if (t.success[i] != 0) ++p.successes;
    values[c * num_points + t.grid_point[i]].push_back(column->values[i]);
  }
  for (std::size_t c = 0; c < num_cases; ++c)
    for (std::uint64_t k = 0; k < num_points; ++k) {
      GridPointSummary& p = grid.points[c][k];
      p.success_rate = wilson_interval(p.successes, p.finished);
      p.metric_median = quantile(values[c * num_points + k], 0.5);
    }
  return grid;
}

}  // namespace

StudyBreakdown make_study_breakdown(const StudyTasks& tasks, const std::string& grid_metric) {
  check_shapes(tasks);
  const std::uint64_t num_points = count_points(tasks.axes);
  for (std::size_t i = 0; i < tasks.status.size(); ++i) {
    if (tasks.case_index[i] < 0 ||
        static_cast<std::size_t>(tasks.case_index[i]) >= tasks.case_names.size() ||
        tasks.grid_point[i] >= num_points)
      throw std::invalid_argument(fmt::format(
          "study breakdown: task row {} has case {} and grid point {} (the file has {} cases "
          "and {} points)",
          i, tasks.case_index[i], tasks.grid_point[i], tasks.case_names.size(), num_points));
  }
  StudyBreakdown b;
  b.cases = summarise_cases(tasks);
  if (tasks.case_names.size() > 1) {
    const PairIndex index = index_pairs(tasks, num_points);
    for (std::size_t a = 0; a < tasks.case_names.size(); ++a)
      for (std::size_t c = a + 1; c < tasks.case_names.size(); ++c)
        b.comparisons.push_back(compare(tasks, index, a, c));
  }
  if (!tasks.axes.empty()) b.grid = summarise_grid(tasks, num_points, grid_metric);
  return b;
}

}  // namespace simorch::analysis
