#include "simorch/analysis/scaling_report.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <cmath>
#include <iterator>

#include "json_writer.hpp"
#include "simorch/analysis/run_figures.hpp"
#include "simorch/error.hpp"

namespace simorch::analysis {
namespace {

using detail::json_number;
using detail::json_string;

std::string num(double value, const char* spec = "{:.4g}") {
  return std::isnan(value) ? std::string("-") : fmt::format(fmt::runtime(spec), value);
}

std::string csv_num(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : std::string();
}

// RFC 4180: quote a field holding a comma, quote or line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

ScalingRun make_scaling_run(const std::string& label, const BatchInfo& info,
                            std::span<const SegmentTiming> segments) {
  if (!info.is_complete())
    throw ConfigError("scaling", label,
                      fmt::format("is not a finished run (run_state {}, {} of {} tasks done); "
                                  "scaling needs complete files (resume it first)",
                                  info.run_state, info.tasks_done, info.n_tasks));
  if (segments.empty())
    throw ConfigError("scaling", label, "has no timing (/timing/segments is empty)");
  std::uint64_t timed_tasks = 0;
  for (const SegmentTiming& s : segments) {
    timed_tasks += s.tasks_done;
    if (s.ranks != segments.front().ranks ||
        s.threads_per_rank != segments.front().threads_per_rank)
      throw ConfigError(
          "scaling", label,
          fmt::format("ran its segments on different layouts ({} x {} in segment {}, {} x {} "
                      "in segment {}); a scaling point needs one layout",
                      segments.front().ranks, segments.front().threads_per_rank,
                      segments.front().segment, s.ranks, s.threads_per_rank, s.segment));
  }
  if (timed_tasks < info.n_tasks)
    throw ConfigError(
        "scaling", label,
        fmt::format("has timing for {} of its {} tasks: a segment ended without writing its "
                    "timing (killed with SIGKILL?), so its wall time is unknown",
                    timed_tasks, info.n_tasks));
  ScalingRun run;
  run.label = label;
  run.ranks = segments.front().ranks;
  run.threads_per_rank = segments.front().threads_per_rank;
  run.tasks = info.n_tasks;
  const RunFigures figures = compute_run_figures(segments);
  run.wall_s = figures.wall_s;
  run.utilisation = figures.utilisation;
  run.study_hash = info.study_hash;
  run.study_without_samples = study_without_samples(info.study_canonical);
  return run;
}

ScalingRun load_scaling_run(const BatchReader& reader) {
  const std::vector<SegmentTiming> segments = reader.timing();
  return make_scaling_run(reader.path().string(), reader.info(), segments);
}

std::string format_scaling_text(const ScalingAnalysis& a) {
  std::string text;
  auto out = std::back_inserter(text);
  fmt::format_to(out, "{} scaling, {} runs; ", to_string(a.kind), a.rows.size());
  if (a.reference_cores == 1)
    fmt::format_to(out, "T1 = {} s (the one-core run)\n", num(a.one_core_s));
  else
    fmt::format_to(out,
                   "no one-core run: T1 = {} x {} s = {} s (the N = {} run taken as perfectly "
                   "efficient, so speedups are upper bounds)\n",
                   a.reference_cores, num(a.reference_wall_s), num(a.one_core_s),
                   a.reference_cores);
  const bool strong = a.kind == ScalingKind::strong;
  fmt::format_to(out, "{:>6} {:>6} {:>8} {:>10} {:>10} {:>9} {:>10} {:>11} {:>11}  {}\n", "N",
                 "ranks", "threads", "tasks", "wall_s", strong ? "speedup" : "scaled_S",
                 "efficiency", "karp_flatt", "utilisation", "file");
  for (const ScalingRow& row : a.rows)
    fmt::format_to(out, "{:>6} {:>6} {:>8} {:>10} {:>10} {:>9} {:>10} {:>11} {:>11}  {}\n",
                   row.cores, row.run.ranks, row.run.threads_per_rank, row.run.tasks,
                   num(row.run.wall_s), num(row.speedup), num(row.efficiency), num(row.karp_flatt),
                   num(row.run.utilisation), row.run.label);
  if (strong) {
    if (a.amdahl.is_valid) {
      const double p = a.amdahl.parallel_fraction;
      // 1/(1 − P) is a ceiling only for 0 < P < 1; outside, say what the data show.
      const std::string ceiling =
          p <= 0.0   ? std::string("no speedup: the runs got slower with more cores")
          : p >= 1.0 ? std::string("no ceiling within the measured range")
                     : fmt::format("max speedup 1/(1-P) = {}", num(1.0 / (1.0 - p)));
      fmt::format_to(out,
                     "Amdahl fit (least squares of 1/S = a + b/N, P = b/(a+b)): P = {:.5f}, "
                     "serial fraction 1-P = {:.5f}, {}; R^2 = {:.4f}, RMS relative residual "
                     "of S = {:.2f} %\n",
                     p, 1.0 - p, ceiling, a.amdahl.r_squared,
                     100.0 * a.amdahl.rms_relative_residual);
    } else {
      fmt::format_to(out, "Amdahl fit: needs runs at two or more different N\n");
    }
  } else {
    if (a.gustafson.is_valid)
      fmt::format_to(out,
                     "Gustafson fit (least squares of S = a + b*N, s = a/(a+b)): serial "
                     "fraction s = {:.5f}, scaled parallel fraction 1-s = {:.5f}; R^2 = {:.4f}, "
                     "RMS relative residual of S = {:.2f} %\n",
                     a.gustafson.serial_fraction, 1.0 - a.gustafson.serial_fraction,
                     a.gustafson.r_squared, 100.0 * a.gustafson.rms_relative_residual);
    else
      fmt::format_to(out, "Gustafson fit: needs runs at two or more different N\n");
  }
  return text;
}

std::string format_scaling_csv(const ScalingAnalysis& a) {
  std::string text =
      "kind,cores,ranks,threads_per_rank,tasks,wall_s,speedup,efficiency,karp_flatt,"
      "utilisation,file\n";
  for (const ScalingRow& row : a.rows)
    text +=
        fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", to_string(a.kind), row.cores,
                    row.run.ranks, row.run.threads_per_rank, row.run.tasks, csv_num(row.run.wall_s),
                    csv_num(row.speedup), csv_num(row.efficiency), csv_num(row.karp_flatt),
                    csv_num(row.run.utilisation), csv_field(row.run.label));
  return text;
}

std::string format_scaling_json(const ScalingAnalysis& a) {
  std::string rows = "[";
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    const ScalingRow& row = a.rows[i];
    rows += fmt::format(
        "{}{{\"file\": {}, \"cores\": {}, \"ranks\": {}, \"threads_per_rank\": {}, \"tasks\": {}, "
        "\"wall_s\": {}, \"speedup\": {}, \"efficiency\": {}, \"karp_flatt\": {}, "
        "\"utilisation\": {}}}",
        i == 0 ? "" : ", ", json_string(row.run.label), json_number(row.cores),
        json_number(row.run.ranks), json_number(row.run.threads_per_rank),
        json_number(row.run.tasks), json_number(row.run.wall_s), json_number(row.speedup),
        json_number(row.efficiency), json_number(row.karp_flatt), json_number(row.run.utilisation));
  }
  rows += "]";
  const std::string amdahl =
      a.amdahl.is_valid
          ? fmt::format(
                "{{\"parallel_fraction\": {}, \"intercept\": {}, \"slope\": {}, "
                "\"r_squared\": {}, \"rms_relative_residual\": {}}}",
                json_number(a.amdahl.parallel_fraction), json_number(a.amdahl.intercept),
                json_number(a.amdahl.slope), json_number(a.amdahl.r_squared),
                json_number(a.amdahl.rms_relative_residual))
          : std::string("null");
  const std::string gustafson =
      a.gustafson.is_valid
          ? fmt::format(
                "{{\"serial_fraction\": {}, \"intercept\": {}, \"slope\": {}, "
                "\"r_squared\": {}, \"rms_relative_residual\": {}}}",
                json_number(a.gustafson.serial_fraction), json_number(a.gustafson.intercept),
                json_number(a.gustafson.slope), json_number(a.gustafson.r_squared),
                json_number(a.gustafson.rms_relative_residual))
          : std::string("null");
  return fmt::format(
      "{{\"kind\": {}, \"reference_cores\": {}, \"reference_wall_s\": {}, \"one_core_s\": {}, "
      "\"rows\": {}, \"amdahl\": {}, \"gustafson\": {}}}\n",
      json_string(to_string(a.kind)), json_number(a.reference_cores),
      json_number(a.reference_wall_s), json_number(a.one_core_s), rows, amdahl, gustafson);
}

}  // namespace simorch::analysis
