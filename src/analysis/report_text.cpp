#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <string>
#include <string_view>

#include "report_format.hpp"
#include "simorch/analysis/run_report.hpp"

namespace simorch::analysis {
namespace detail {

void write_quantile_table(TextOut out, const std::vector<MetricSummary>& metrics) {
  fmt::format_to(out, "  {:<18} {:>11} {:>11} {:>11} {:>10} {:>8}\n", "metric", "p5", "p50", "p95",
                 "n", "NaN");
  for (const MetricSummary& m : metrics)
    fmt::format_to(out, "  {:<18} {:>11} {:>11} {:>11} {:>10} {:>8}\n", m.name, num(m.quantiles.p5),
                   num(m.quantiles.p50), num(m.quantiles.p95), m.quantiles.count,
                   m.quantiles.nan_count);
}

}  // namespace detail
namespace {

using detail::is_status_shown;
using detail::num;
using detail::write_quantile_table;

// Rows of /timing/threads printed one by one; beyond this a min/median/max line is
// easier to read (--json has every row).
constexpr std::size_t thread_rows_shown = 64;

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? std::string("-")
                    : fmt::format("{:.1f} %",
                                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

// "1 rank", "2 ranks".
std::string count_of(std::int64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

using Out = std::back_insert_iterator<std::string>;

// Who writes the file and how fast: the line that says this is a live view.
void write_live(Out out, const RunReport& r) {
  const LiveStatus& l = r.live;
  fmt::format_to(out,
                 "\nLIVE VIEW from {}.journal (read without locking; the writer is not "
                 "disturbed)\n",
                 r.file);
  fmt::format_to(out, "  writer      {} pid {}, segment {}, started {:.0f} s ago{}\n",
                 l.writer.host.empty() ? std::string("unknown host") : l.writer.host, l.writer.pid,
                 l.writer.segment, l.elapsed_s,
                 l.writer.is_gone        ? " (GONE: killed? finish with --resume)"
                 : !l.writer.is_open     ? " (closed)"
                 : l.writer.is_checkable ? " (running)"
                                         : "");
  fmt::format_to(out, "  pace        {} tasks this segment, {} tasks/s, ETA {}\n",
                 l.writer.done_in_segment, num(l.tasks_per_s),
                 std::isnan(l.eta_s) ? std::string("-") : fmt::format("{:.0f} s", l.eta_s));
}

void write_header(Out out, const RunReport& r) {
  const BatchInfo& i = r.info;
  fmt::format_to(out, "simorch report: {}\n", r.file);
  fmt::format_to(out,
                 "  study       model {}, controller {}, integrator {}, dt {} s, duration {} s\n",
                 i.model, i.controller, i.integrator, i.dt, i.duration);
  fmt::format_to(out, "  tasks       {} (seed {}, study_hash {})\n", i.n_tasks, i.seed,
                 i.study_hash);
  fmt::format_to(
      out, "  file        format_version {}, written by simorch {}, created {}\n", i.format_version,
      i.simorch_version.empty() ? std::string("(not in the journal)") : i.simorch_version,
      i.created);
  fmt::format_to(out, "  run_state   {}, {} of {} tasks finished\n", i.run_state, r.finished,
                 i.n_tasks);
  if (r.is_live) write_live(out, r);
  if (r.is_partial) fmt::format_to(out, "\nPARTIAL FILE: {}\n", r.partial_reason);
}

void write_outcomes(Out out, const RunReport& r) {
  fmt::format_to(out, "\nTasks by status\n");
  for (std::size_t s = 0; s < r.status_counts.size(); ++s)
    if (is_status_shown(r, s))
      fmt::format_to(out, "  {:<14} {:>10}  {:>7}\n", to_string(static_cast<TaskStatus>(s)),
                     r.status_counts[s], percent(r.status_counts[s], r.info.n_tasks));
  const Interval& rate = r.success_rate;
  fmt::format_to(out,
                 "Success rate  {} of {} finished tasks = {} (95 % Wilson interval {} to {})\n",
                 r.successes, r.finished, num(rate.estimate), num(rate.lower), num(rate.upper));
  if (r.error_count > 0) {
    fmt::format_to(out, "Failure messages ({} recorded, first {} shown)\n", r.error_count,
                   r.errors.size());
    for (const TaskErrorRecord& e : r.errors)
      fmt::format_to(out, "  task {:<10} {:<14} {}\n", e.task_id, to_string(e.status), e.message);
  }
}

void write_metrics(Out out, const RunReport& r) {
  fmt::format_to(out,
                 "\nSummary metrics over the {} completed tasks (quantiles: linear "
                 "interpolation, type 7; NaN ignored)\n",
                 r.status_counts[1]);
  write_quantile_table(out, r.metrics);
  if (r.failure_metrics.empty()) return;
  fmt::format_to(out, "\nFailure times over the {} failed tasks (out_of_bounds, diverged, error)\n",
                 r.failed);
  write_quantile_table(out, r.failure_metrics);
}

void write_threads(Out out, const SegmentTiming& s) {
  if (s.thread_timing.size() <= thread_rows_shown) {
    // ms/task exposes a thread that shares its core: busy_s is wall time spent in tasks,
    // so a descheduled thread takes longer per task than its siblings.
    fmt::format_to(out, "  {:>6} {:>6} {:>10} {:>10} {:>10}\n", "rank", "thread", "tasks", "busy_s",
                   "ms/task");
    for (const ThreadTiming& t : s.thread_timing)
      fmt::format_to(
          out, "  {:>6} {:>6} {:>10} {:>10} {:>10}\n", t.rank, t.thread, t.tasks, num(t.busy_s),
          t.tasks == 0 ? std::string("-") : num(1e3 * t.busy_s / static_cast<double>(t.tasks)));
    return;
  }
  std::vector<double> busy;
  for (const ThreadTiming& t : s.thread_timing) busy.push_back(t.busy_s);
  std::sort(busy.begin(), busy.end());
  fmt::format_to(out, "  {} threads: busy_s min {}, median {}, max {} (--json lists every one)\n",
                 busy.size(), num(busy.front()), num(quantile(busy, 0.5)), num(busy.back()));
}

void write_timing(Out out, const RunReport& r) {
  if (r.segments.empty()) {
    fmt::format_to(out,
                   "\nTiming: none recorded (no run segment ended with its timing written, "
                   "e.g. the run was killed with SIGKILL)\n");
    return;
  }
  for (std::size_t k = 0; k < r.segments.size(); ++k) {
    const SegmentTiming& s = r.segments[k];
    const SegmentFigures& f = r.figures.segments[k];
    fmt::format_to(out, "\nTiming of segment {} ({}): {} x {} = {}, {}\n", s.segment,
                   to_string(s.outcome), count_of(s.ranks, "rank"),
                   count_of(s.threads_per_rank, "thread"), count_of(f.cores, "core"),
                   count_of(static_cast<std::int64_t>(s.tasks_done), "task"));
    fmt::format_to(out, "  wall {} s, serial parts: setup {} s + finalize {} s = {} % of wall\n",
                   num(s.wall_s), num(s.setup_s), num(s.finalize_s),
                   num(100.0 * f.serial_fraction));
    fmt::format_to(out,
                   "  utilisation {} (busy / (N x wall)), parallel efficiency {} (busy / (N x "
                   "(wall - serial))), load imbalance {} over threads, {} over ranks (max/mean)\n",
                   num(f.utilisation), num(f.parallel_efficiency), num(f.load_imbalance),
                   num(f.rank_imbalance));
    fmt::format_to(out, "  {:>6} {:<16} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "rank", "host",
                   "threads", "tasks", "compute_s", "idle_s", "comm_s", "wall_s");
    for (const RankTiming& rt : s.rank_timing)
      fmt::format_to(out, "  {:>6} {:<16} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10}\n", rt.rank,
                     rt.host, rt.threads, rt.tasks, num(rt.compute_s), num(rt.idle_s),
                     num(rt.comm_s), num(rt.wall_s));
    write_threads(out, s);
  }
}

void write_amdahl(Out out, const RunReport& r) {
  if (r.amdahl.empty()) return;
  const RunFigures& f = r.figures;
  fmt::format_to(out,
                 "\nAmdahl prediction from the measured serial parts: {} s serial of {} s "
                 "one-core estimate, P = {:.6f}\n",
                 num(f.serial_s), num(f.one_core_estimate_s), f.parallel_fraction);
  fmt::format_to(out,
                 "  (an upper bound: only setup and finalize count as serial; idle and "
                 "communication time also grow with N)\n");
  std::string cores_line = "  N        ";
  std::string speedup_line = "  speedup  ";
  for (const SpeedupPoint& p : r.amdahl) {
    cores_line += fmt::format("{:>8}", p.cores);
    speedup_line += fmt::format("{:>8}", num(p.speedup));
  }
  fmt::format_to(out, "{}\n{}\n", cores_line, speedup_line);
}

}  // namespace

std::string format_report_text(const RunReport& report) {
  std::string text;
  const Out out(text);
  write_header(out, report);
  write_outcomes(out, report);
  write_metrics(out, report);
  if (report.study) detail::write_study_text(out, *report.study);
  write_timing(out, report);
  write_amdahl(out, report);
  return text;
}

}  // namespace simorch::analysis
