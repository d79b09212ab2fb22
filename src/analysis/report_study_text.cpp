// The cases, paired differences and grid sections of `simorch report` (text).

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "report_format.hpp"
#include "simorch/sim/task.hpp"

namespace simorch::analysis::detail {
namespace {

// Every point of a grid up to this many is listed; a bigger one is summarised (range,
// counts, worst and best points) and --json carries every point.
constexpr std::uint64_t grid_points_listed = 24;
constexpr std::size_t extreme_points_shown = 5;

std::string rate_cell(const Interval& r) {
  return fmt::format("{:>7} {:>7} to {:<7}", num(r.estimate), num(r.lower), num(r.upper));
}

std::string signed_num(double value) {
  return std::isnan(value) ? std::string("-") : fmt::format("{:+.4g}", value);
}

void write_cases(TextOut out, const StudyBreakdown& s) {
  fmt::format_to(out,
                 "\nCases ({}; sample k of every case draws the same plant and initial state: "
                 "the cases are paired)\n",
                 s.cases.size());
  fmt::format_to(out, "  {:<20} {:>9} {:>9} {:>9} {:>9} {:>9}  {:<25}\n", "case", "tasks",
                 "finished", "successes", to_string(TaskStatus::pending),
                 to_string(TaskStatus::not_run), "success rate (95 % Wilson)");
  for (const CaseSummary& c : s.cases)
    fmt::format_to(out, "  {:<20} {:>9} {:>9} {:>9} {:>9} {:>9}  {}\n", c.name, c.tasks, c.finished,
                   c.successes, c.pending, c.not_run, rate_cell(c.success_rate));
  for (const CaseSummary& c : s.cases) {
    fmt::format_to(out, "Case '{}': metrics over its completed tasks\n", c.name);
    write_quantile_table(out, c.metrics);
  }
}

void write_comparisons(TextOut out, const StudyBreakdown& s) {
  if (s.comparisons.empty()) return;
  fmt::format_to(out,
                 "\nPaired differences, first - second (a pair: the same sample{} in both "
                 "cases, both run)\n",
                 s.grid ? " at the same grid point" : "");
  fmt::format_to(out,
                 "  success rate: Newcombe's hybrid score interval for paired proportions (95 "
                 "%); discordant pairs = only first / only second succeeded\n");
  fmt::format_to(out, "  {:<32} {:>8} {:>8} {:>10} {:>11} {:>8}  {:>8}  {}\n", "pair", "pairs",
                 "both", "only 1st", "only 2nd", "neither", "diff", "95 % interval");
  for (const CaseComparison& c : s.comparisons) {
    const std::string pair = fmt::format("{} - {}", s.cases[c.first].name, s.cases[c.second].name);
    fmt::format_to(out, "  {:<32} {:>8} {:>8} {:>10} {:>11} {:>8}  {:>8}  {} to {}\n", pair,
                   c.counts.pairs(), c.counts.both, c.counts.only_first, c.counts.only_second,
                   c.counts.neither, signed_num(c.rate_difference.estimate),
                   signed_num(c.rate_difference.lower), signed_num(c.rate_difference.upper));
  }
  fmt::format_to(out,
                 "  metrics: mean of the per-pair difference over pairs where both completed, "
                 "95 % paired t interval\n");
  fmt::format_to(out, "  {:<32} {:<18} {:>8} {:>11}  {}\n", "pair", "metric", "n", "mean",
                 "95 % interval");
  for (const CaseComparison& c : s.comparisons) {
    const std::string pair = fmt::format("{} - {}", s.cases[c.first].name, s.cases[c.second].name);
    for (const MetricDifference& m : c.metrics)
      fmt::format_to(out, "  {:<32} {:<18} {:>8} {:>11}  {} to {}\n", pair, m.name,
                     m.difference.count, signed_num(m.difference.mean),
                     signed_num(m.difference.lower), signed_num(m.difference.upper));
  }
}

// "(-0.6, 0.2)": the axis values of grid point `point`.
std::string point_label(const GridSummary& g, std::uint64_t point) {
  std::vector<std::string> values(g.axes.size());
  for (std::size_t a = g.axes.size(); a-- > 0;) {
    const std::size_t size = g.axes[a].values.size();
    values[a] = fmt::format("{:.4g}", g.axes[a].values[point % size]);
    point /= size;
  }
  std::string label = "(";
  for (std::size_t a = 0; a < values.size(); ++a) label += (a == 0 ? "" : ", ") + values[a];
  return label + ")";
}

void write_point_row(TextOut out, const GridSummary& g, std::uint64_t point,
                     const GridPointSummary& p) {
  fmt::format_to(out, "    {:>6} {:<28} {:>8} {:>9}  {}  {:>10}\n", point, point_label(g, point),
                 p.finished, p.successes, rate_cell(p.success_rate), num(p.metric_median));
}

void write_point_header(TextOut out, const GridSummary& g) {
  fmt::format_to(out, "    {:>6} {:<28} {:>8} {:>9}  {:<25}  {:>10}\n", "point", "values",
                 "finished", "successes", "success rate (95 % Wilson)", "median " + g.metric);
}

void write_grid_case(TextOut out, const GridSummary& g, const std::string& name,
                     const std::vector<GridPointSummary>& points) {
  std::vector<std::uint64_t> ran;  // points with at least one finished task
  for (std::uint64_t k = 0; k < points.size(); ++k)
    if (points[k].finished > 0) ran.push_back(k);
  const auto rate = [&](std::uint64_t k) { return points[k].success_rate.estimate; };
  std::uint64_t all = 0;
  std::uint64_t none = 0;
  for (std::uint64_t k : ran) {
    all += points[k].successes == points[k].finished;
    none += points[k].successes == 0;
  }
  fmt::format_to(out, "  case '{}': {} of {} points run", name, ran.size(), points.size());
  if (ran.empty()) {
    fmt::format_to(out, "\n");
    return;
  }
  const auto [lo, hi] = std::minmax_element(
      ran.begin(), ran.end(), [&](std::uint64_t a, std::uint64_t b) { return rate(a) < rate(b); });
  fmt::format_to(out,
                 "; success rate per point from {} to {}; every task succeeded at {} points "
                 "({:.1f} %), none at {}\n",
                 num(rate(*lo)), num(rate(*hi)), all,
                 100.0 * static_cast<double>(all) / static_cast<double>(ran.size()), none);
  // Stable sorts: among equal rates the lower point index comes first.
  std::vector<std::uint64_t> order = ran;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint64_t a, std::uint64_t b) { return rate(a) < rate(b); });
  const std::size_t shown = std::min(extreme_points_shown, order.size());
  fmt::format_to(out, "   worst points\n");
  write_point_header(out, g);
  for (std::size_t i = 0; i < shown; ++i) write_point_row(out, g, order[i], points[order[i]]);
  // Among equal rates (every point of a one-sample grid is 0 or 1) the best are those with
  // the lowest median metric (a NaN median last).
  const auto median = [&](std::uint64_t k) {
    const double m = points[k].metric_median;
    return std::isnan(m) ? std::numeric_limits<double>::infinity() : m;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) {
    return rate(a) != rate(b) ? rate(a) > rate(b) : median(a) < median(b);
  });
  fmt::format_to(out, "   best points (ties: lowest median {} first)\n", g.metric);
  write_point_header(out, g);
  for (std::size_t i = 0; i < shown; ++i) write_point_row(out, g, order[i], points[order[i]]);
}

void write_grid(TextOut out, const StudyBreakdown& s) {
  if (!s.grid) return;
  const GridSummary& g = *s.grid;
  std::string shape;
  for (const GridAxis& a : g.axes)
    shape += (shape.empty() ? "" : " x ") + std::to_string(a.values.size());
  fmt::format_to(out, "\nGrid: {} points ({}), row-major (the last axis varies fastest)\n",
                 g.num_points, shape);
  for (std::size_t a = 0; a < g.axes.size(); ++a) {
    const std::vector<double>& v = g.axes[a].values;
    fmt::format_to(out, "  axis {}  {:<40} {} values from {} to {}\n", a, g.axes[a].path, v.size(),
                   v.empty() ? std::string("-") : num(v.front()),
                   v.empty() ? std::string("-") : num(v.back()));
  }
  if (g.num_points <= grid_points_listed) {
    for (std::size_t c = 0; c < s.cases.size(); ++c) {
      fmt::format_to(out, "  case '{}'\n", s.cases[c].name);
      write_point_header(out, g);
      for (std::uint64_t k = 0; k < g.num_points; ++k) write_point_row(out, g, k, g.points[c][k]);
    }
    return;
  }
  fmt::format_to(out,
                 "  (more than {} points: the range and the extremes; --json has every point)\n",
                 grid_points_listed);
  for (std::size_t c = 0; c < s.cases.size(); ++c)
    write_grid_case(out, g, s.cases[c].name, g.points[c]);
}

}  // namespace

void write_study_text(TextOut out, const StudyBreakdown& study) {
  write_cases(out, study);
  write_comparisons(out, study);
  write_grid(out, study);
}

}  // namespace simorch::analysis::detail
