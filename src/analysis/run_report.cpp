#include "simorch/analysis/run_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>

#include "simorch/error.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch::analysis {
namespace {

std::string partial_reason(const RunReport& r) {
  const std::uint64_t pending = r.status_counts[0];
  const std::string counts =
      fmt::format("{} of {} tasks pending, {} finished", pending, r.info.n_tasks, r.finished);
  const std::string resume =
      "`simorch run STUDY.yaml -o FILE --resume` runs the pending tasks only";
  if (r.info.run_state == run_state::running)
    return fmt::format(
        "run_state is 'running': a run is writing this file, or its writer was killed; {}. "
        "The figures cover the finished tasks only. If no run is active, {}.",
        counts, resume);
  if (r.info.run_state == run_state::interrupted)
    return fmt::format(
        "run_state is 'interrupted': the run stopped before the end (signal or time limit); "
        "{}. The figures cover the finished tasks only; {}.",
        counts, resume);
  return fmt::format("run_state is '{}' but {}; {}.", r.info.run_state, counts, resume);
}

// One body for a finished file and a live journal: both readers offer the same calls.
// A journal has no /tasks columns: the layout follows from the study text it carries (task
// ids are sample-major, StudyPlan::coordinates). nullopt when the text does not parse here
// (e.g. a relative file it names is elsewhere): the live view then shows the totals only.
std::optional<TaskLayout> layout_from_study(const BatchInfo& info,
                                            const std::filesystem::path& file) {
  if (info.study.find("cases:") == std::string::npos &&
      info.study.find("grid:") == std::string::npos)
    return std::nullopt;  // a plain study: nothing to break down, skip the parse
  try {
    const StudyPlan plan = StudyPlan::parse(info.study, file.parent_path());
    TaskLayout layout;
    layout.case_names.assign(plan.case_names().begin(), plan.case_names().end());
    layout.axes.assign(plan.axes().begin(), plan.axes().end());
    const auto n = static_cast<std::size_t>(plan.num_tasks());
    layout.case_index.resize(n);
    layout.sample.resize(n);
    layout.grid_point.resize(n);
    for (std::size_t id = 0; id < n; ++id) {
      const TaskCoordinates c = plan.coordinates(id);
      layout.case_index[id] = static_cast<std::int32_t>(c.case_index);
      layout.sample[id] = c.sample;
      layout.grid_point[id] = c.point;
    }
    return layout;
  } catch (const Error&) {
    return std::nullopt;
  }
}

// The per-case, paired and per-point breakdown of a file with cases or a grid; nullopt
// for a plain study (one case, no axes) and for a reader that cannot tell (a live view).
template <class Reader>
std::optional<StudyBreakdown> read_breakdown(const Reader& reader,
                                             const std::vector<TaskStatus>& status,
                                             const std::vector<std::uint8_t>& success,
                                             const ReportSettings& settings) {
  std::optional<TaskLayout> found;
  if constexpr (requires { reader.task_layout(); })
    found = reader.task_layout();
  else
    found = layout_from_study(reader.info(), reader.path());
  if (!found) return std::nullopt;
  TaskLayout& layout = *found;
  if (layout.case_names.size() <= 1 && layout.axes.empty()) return std::nullopt;
  {
    StudyTasks tasks;
    tasks.case_names = std::move(layout.case_names);
    tasks.axes = std::move(layout.axes);
    tasks.case_index = std::move(layout.case_index);
    tasks.sample = std::move(layout.sample);
    tasks.grid_point = std::move(layout.grid_point);
    tasks.status = status;
    tasks.success = success;
    for (const ColumnSpec& c : batch_columns()) {
      if (!reader.has_column(c.name())) continue;
      if (c.report == ReportRole::metric)
        tasks.metrics.push_back({std::string(c.name()), reader.column(c.name())});
      if (c.report == ReportRole::cost)
        tasks.costs.push_back({std::string(c.name()), reader.column(c.name())});
    }
    return make_study_breakdown(tasks, settings.grid_metric);
  }
}

template <class Reader>
RunReport build_report(const Reader& reader, const ReportSettings& settings) {
  RunReport r;
  r.file = reader.path().string();
  r.info = reader.info();

  const std::vector<TaskStatus> status = reader.status();
  for (TaskStatus s : status) ++r.status_counts[static_cast<std::size_t>(s)];
  // Pending and not_run (past a stop) tasks did not run: they are no trials.
  for (TaskStatus s : status) r.finished += s == TaskStatus::completed || is_failure(s);
  const std::vector<std::uint8_t> success = reader.success();
  for (std::size_t i = 0; i < success.size(); ++i)
    if (success[i] != 0 && status[i] == TaskStatus::completed) ++r.successes;
  r.success_rate = wilson_interval(r.successes, r.finished);

  for (TaskStatus s : status)
    if (is_failure(s)) ++r.failed;

  std::vector<double> selected;
  auto summarise = [&](const ColumnSpec& column, bool (*is_selected)(TaskStatus),
                       std::vector<MetricSummary>& out) {
    const std::string_view name = column.name();
    if (!reader.has_column(name)) return;
    const std::vector<double> values = reader.column(name);
    selected.clear();
    for (std::size_t i = 0; i < values.size(); ++i)
      if (is_selected(status[i])) selected.push_back(values[i]);
    out.push_back({std::string(name), summarize_quantiles(selected)});
  };
  const auto is_completed = [](TaskStatus s) { return s == TaskStatus::completed; };
  // Metrics first, then the cost per task (what users tune), in schema order.
  for (const ReportRole role : {ReportRole::metric, ReportRole::cost})
    for (const ColumnSpec& c : batch_columns())
      if (c.report == role) summarise(c, is_completed, r.metrics);
  for (const ColumnSpec& c : batch_columns())
    if (c.report == ReportRole::failure) summarise(c, is_failure, r.failure_metrics);

  std::vector<TaskErrorRecord> errors = reader.errors();
  r.error_count = errors.size();
  if (errors.size() > report_error_limit) errors.resize(report_error_limit);
  r.errors = std::move(errors);

  r.segments = reader.timing();
  r.figures = compute_run_figures(r.segments);
  if (!r.segments.empty() && std::isfinite(r.figures.parallel_fraction))
    for (std::int32_t n = 1; n <= 1024; n *= 2)
      r.amdahl.push_back({n, amdahl_speedup(r.figures.parallel_fraction, n)});

  r.study = read_breakdown(reader, status, success, settings);

  r.is_partial = r.info.run_state != run_state::complete || r.status_counts[0] > 0;
  if (r.is_partial) r.partial_reason = partial_reason(r);
  return r;
}

}  // namespace

RunReport make_run_report(const BatchReader& reader, const ReportSettings& settings) {
  return build_report(reader, settings);
}

RunReport make_live_report(const LiveReader& reader) {
  RunReport r = build_report(reader, ReportSettings{});
  r.is_live = true;
  LiveStatus& live = r.live;
  live.writer = reader.writer();
  live.elapsed_s = std::max(0.0, live.writer.read_unix_s - live.writer.start_unix_s);
  live.tasks_per_s =
      live.elapsed_s > 0 ? static_cast<double>(live.writer.done_in_segment) / live.elapsed_s : 0;
  live.eta_s = live.tasks_per_s > 0 ? static_cast<double>(r.status_counts[0]) / live.tasks_per_s
                                    : std::numeric_limits<double>::quiet_NaN();
  if (!live.writer.is_open) {
    r.partial_reason = "the journal shows no open segment: " + r.partial_reason;
  } else if (live.writer.is_gone) {
    r.partial_reason = fmt::format("the writer (pid {} on {}) is gone: it was killed; {}",
                                   live.writer.pid, live.writer.host, r.partial_reason);
  }
  return r;
}

}  // namespace simorch::analysis
