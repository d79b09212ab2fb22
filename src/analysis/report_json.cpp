#include <fmt/core.h>

#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include "json_writer.hpp"
#include "report_format.hpp"
#include "simorch/analysis/run_report.hpp"

namespace simorch::analysis {
namespace detail {

std::string metrics_json(const std::vector<MetricSummary>& metrics) {
  std::string out = "{";
  bool first = true;
  for (const MetricSummary& m : metrics) {
    out += fmt::format(
        "{}{}: {{\"p5\": {}, \"p50\": {}, \"p95\": {}, \"count\": {}, "
        "\"nan_count\": {}}}",
        first ? "" : ", ", json_string(m.name), json_number(m.quantiles.p5),
        json_number(m.quantiles.p50), json_number(m.quantiles.p95), json_number(m.quantiles.count),
        json_number(m.quantiles.nan_count));
    first = false;
  }
  return out + "}";
}

}  // namespace detail
namespace {

using detail::json_array;
using detail::json_bool;
using detail::json_number;
using detail::json_string;

std::string study_json(const BatchInfo& i) {
  return fmt::format(
      "{{\"model\": {}, \"controller\": {}, \"integrator\": {}, \"dt\": {}, \"duration\": {}, "
      "\"seed\": {}, \"n_tasks\": {}, \"save_every\": {}, \"study_hash\": {}, \"study\": {}}}",
      json_string(i.model), json_string(i.controller), json_string(i.integrator), json_number(i.dt),
      json_number(i.duration), json_number(i.seed), json_number(i.n_tasks),
      json_number(i.save_every), json_string(i.study_hash), json_string(i.study));
}

std::string file_json(const RunReport& r) {
  const BatchInfo& i = r.info;
  return fmt::format(
      "{{\"path\": {}, \"format\": {}, \"format_version\": {}, \"simorch_version\": {}, "
      "\"created\": {}, \"run_state\": {}, \"tasks_done\": {}, \"is_partial\": {}, "
      "\"partial_reason\": {}}}",
      json_string(r.file), json_string(i.format), json_number(i.format_version),
      json_string(i.simorch_version), json_string(i.created), json_string(i.run_state),
      json_number(i.tasks_done), json_bool(r.is_partial),
      r.is_partial ? json_string(r.partial_reason) : std::string("null"));
}

std::string tasks_json(const RunReport& r) {
  std::string counts = "{";
  for (std::size_t s = 0; s < r.status_counts.size(); ++s)
    if (detail::is_status_shown(r, s))
      counts += fmt::format("{}{}: {}", s == 0 ? "" : ", ",
                            json_string(to_string(static_cast<TaskStatus>(s))),
                            json_number(r.status_counts[s]));
  counts += "}";
  const std::string errors = json_array(r.errors, [](const TaskErrorRecord& e) {
    return fmt::format("{{\"task_id\": {}, \"status\": {}, \"message\": {}}}",
                       json_number(e.task_id), json_string(to_string(e.status)),
                       json_string(e.message));
  });
  return fmt::format(
      "{{\"by_status\": {}, \"finished\": {}, \"successes\": {}, \"success_rate\": {{"
      "\"estimate\": {}, \"lower\": {}, \"upper\": {}, \"confidence\": 0.95, \"method\": "
      "\"wilson\"}}, \"error_count\": {}, \"errors\": {}}}",
      counts, json_number(r.finished), json_number(r.successes),
      json_number(r.success_rate.estimate), json_number(r.success_rate.lower),
      json_number(r.success_rate.upper), json_number(r.error_count), errors);
}

std::string segment_json(const SegmentTiming& s, const SegmentFigures& f) {
  const std::string ranks = json_array(s.rank_timing, [](const RankTiming& r) {
    return fmt::format(
        "{{\"rank\": {}, \"host\": {}, \"threads\": {}, \"tasks\": {}, \"compute_s\": {}, "
        "\"idle_s\": {}, \"comm_s\": {}, \"wall_s\": {}}}",
        json_number(r.rank), json_string(r.host), json_number(r.threads), json_number(r.tasks),
        json_number(r.compute_s), json_number(r.idle_s), json_number(r.comm_s),
        json_number(r.wall_s));
  });
  const std::string threads = json_array(s.thread_timing, [](const ThreadTiming& t) {
    return fmt::format("{{\"rank\": {}, \"thread\": {}, \"tasks\": {}, \"busy_s\": {}}}",
                       json_number(t.rank), json_number(t.thread), json_number(t.tasks),
                       json_number(t.busy_s));
  });
  return fmt::format(
      "{{\"segment\": {}, \"outcome\": {}, \"ranks\": {}, \"threads_per_rank\": {}, "
      "\"cores\": {}, \"tasks_done\": {}, \"start_unix_s\": {}, \"end_unix_s\": {}, "
      "\"wall_s\": {}, \"setup_s\": {}, \"finalize_s\": {}, \"busy_s\": {}, \"utilisation\": {}, "
      "\"parallel_efficiency\": {}, \"load_imbalance\": {}, \"rank_imbalance\": {}, "
      "\"serial_fraction\": {}, \"one_core_estimate_s\": {}, \"rank_timing\": {}, "
      "\"thread_timing\": {}}}",
      json_number(s.segment), json_string(to_string(s.outcome)), json_number(s.ranks),
      json_number(s.threads_per_rank), json_number(f.cores), json_number(s.tasks_done),
      json_number(s.start_unix_s), json_number(s.end_unix_s), json_number(s.wall_s),
      json_number(s.setup_s), json_number(s.finalize_s), json_number(f.busy_s),
      json_number(f.utilisation), json_number(f.parallel_efficiency), json_number(f.load_imbalance),
      json_number(f.rank_imbalance), json_number(f.serial_fraction),
      json_number(f.one_core_estimate_s), ranks, threads);
}

std::string timing_json(const RunReport& r) {
  std::string segments = "[";
  for (std::size_t k = 0; k < r.segments.size(); ++k)
    segments += (k == 0 ? "" : ", ") + segment_json(r.segments[k], r.figures.segments[k]);
  segments += "]";
  const RunFigures& f = r.figures;
  const std::string amdahl = json_array(r.amdahl, [](const SpeedupPoint& p) {
    return fmt::format("{{\"cores\": {}, \"speedup\": {}}}", json_number(p.cores),
                       json_number(p.speedup));
  });
  return fmt::format(
      "{{\"segments\": {}, \"wall_s\": {}, \"serial_s\": {}, \"busy_s\": {}, \"utilisation\": {}, "
      "\"load_imbalance\": {}, \"serial_fraction\": {}, \"one_core_estimate_s\": {}, "
      "\"parallel_fraction\": {}, \"amdahl_prediction\": {}}}",
      segments, json_number(f.wall_s), json_number(f.serial_s), json_number(f.busy_s),
      json_number(f.utilisation), json_number(f.load_imbalance), json_number(f.serial_fraction),
      json_number(f.one_core_estimate_s), json_number(f.parallel_fraction), amdahl);
}

}  // namespace

// null for a finished file; the writer and its pace for a live view.
std::string live_json(const RunReport& r) {
  if (!r.is_live) return "null";
  const LiveStatus& l = r.live;
  return fmt::format(
      "{{\"host\": {}, \"pid\": {}, \"segment\": {}, \"start_unix_s\": {}, "
      "\"read_unix_s\": {}, \"is_open\": {}, \"is_gone\": {}, \"elapsed_s\": {}, "
      "\"tasks_this_segment\": {}, \"tasks_per_s\": {}, \"eta_s\": {}}}",
      json_string(l.writer.host), json_number(l.writer.pid), json_number(l.writer.segment),
      json_number(l.writer.start_unix_s), json_number(l.writer.read_unix_s),
      json_bool(l.writer.is_open), json_bool(l.writer.is_gone), json_number(l.elapsed_s),
      json_number(l.writer.done_in_segment), json_number(l.tasks_per_s), json_number(l.eta_s));
}

std::string format_report_json(const RunReport& report) {
  // The cases, pairs and grid of a study with cases or a grid; absent for a plain study,
  // whose report stays as it was.
  const std::string study =
      report.study ? ", " + detail::study_json_members(*report.study) : std::string();
  return fmt::format(
      "{{\"file\": {}, \"live\": {}, \"study\": {}, \"tasks\": {}, \"metrics\": {}, "
      "\"metrics_over\": \"completed tasks\", \"failure_metrics\": {}, "
      "\"failure_metrics_over\": \"failed tasks (out_of_bounds, diverged, error)\", "
      "\"failed\": {}, \"quantile_method\": \"linear interpolation (type 7), NaN ignored\", "
      "\"timing\": {}{}}}\n",
      file_json(report), live_json(report), study_json(report.info), tasks_json(report),
      detail::metrics_json(report.metrics), detail::metrics_json(report.failure_metrics),
      json_number(report.failed), timing_json(report), study);
}

}  // namespace simorch::analysis
