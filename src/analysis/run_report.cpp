#include "simorch/analysis/run_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>

namespace simorch::analysis {
namespace {

// Columns summarised besides the metrics: cost per task, which is what users tune.
constexpr std::array<std::string_view, 4> extra_columns = {"steps", "integrator_steps",
                                                           "rejected_steps", "wall_time_s"};

std::string partial_reason(const RunReport& r) {
  const std::uint64_t pending = r.status_counts[0];
  const std::string counts =
      fmt::format("{} of {} tasks pending, {} finished", pending, r.info.n_tasks, r.finished);
  const std::string resume =
      "`simorch run STUDY.yaml -o FILE --resume` runs the pending tasks only";
  if (r.info.run_state == "running")
    return fmt::format(
        "run_state is 'running': a run is writing this file, or its writer was killed; {}. "
        "The figures cover the finished tasks only. If no run is active, {}.",
        counts, resume);
  if (r.info.run_state == "interrupted")
    return fmt::format(
        "run_state is 'interrupted': the run stopped before the end (signal or time limit); "
        "{}. The figures cover the finished tasks only; {}.",
        counts, resume);
  return fmt::format("run_state is '{}' but {}; {}.", r.info.run_state, counts, resume);
}

// One body for a finished file and a live journal: both readers offer the same calls.
template <class Reader>
RunReport build_report(const Reader& reader) {
  RunReport r;
  r.file = reader.path().string();
  r.info = reader.info();

  const std::vector<TaskStatus> status = reader.status();
  for (TaskStatus s : status) ++r.status_counts[static_cast<std::size_t>(s)];
  r.finished = status.size() - r.status_counts[0];
  const std::vector<std::uint8_t> success = reader.success();
  for (std::size_t i = 0; i < success.size(); ++i)
    if (success[i] != 0 && status[i] != TaskStatus::pending) ++r.successes;
  r.success_rate = wilson_interval(r.successes, r.finished);

  std::vector<double> completed;
  auto summarise = [&](std::string_view name) {
    if (!reader.has_column(name)) return;
    const std::vector<double> values = reader.column(name);
    completed.clear();
    for (std::size_t i = 0; i < values.size(); ++i)
      if (status[i] == TaskStatus::completed) completed.push_back(values[i]);
    r.metrics.push_back({std::string(name), summarize_quantiles(completed)});
  };
  for (std::string_view name : summary_metric_names) summarise(name);
  for (std::string_view name : extra_columns) summarise(name);

  std::vector<TaskErrorRecord> errors = reader.errors();
  r.error_count = errors.size();
  if (errors.size() > report_error_limit) errors.resize(report_error_limit);
  r.errors = std::move(errors);

  r.segments = reader.timing();
  r.figures = compute_run_figures(r.segments);
  if (!r.segments.empty() && std::isfinite(r.figures.parallel_fraction))
    for (std::int32_t n = 1; n <= 1024; n *= 2)
      r.amdahl.push_back({n, amdahl_speedup(r.figures.parallel_fraction, n)});

  r.is_partial = r.info.run_state != "complete" || r.status_counts[0] > 0;
  if (r.is_partial) r.partial_reason = partial_reason(r);
  return r;
}

}  // namespace

RunReport make_run_report(const BatchReader& reader) {
  return build_report(reader);
}

RunReport make_live_report(const LiveReader& reader) {
  RunReport r = build_report(reader);
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
