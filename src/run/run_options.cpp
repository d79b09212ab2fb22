#include "simorch/run/run_options.hpp"

#include <fmt/core.h>

#include "simorch/error.hpp"

namespace simorch {

std::string format_summary(const RunReport& report) {
  const auto& d = report.dispatch;
  const auto& t = report.timing;
  std::string text;
  std::string by_status;
  for (int s = 1; s < task_status_count; ++s) {
    // Tasks past a stop exist only in studies with monte_carlo.stop: no "0 not_run" elsewhere.
    if (static_cast<TaskStatus>(s) == TaskStatus::not_run && d.by_status[5] == 0) continue;
    if (!by_status.empty()) by_status += ", ";
    by_status += fmt::format("{} {}", d.by_status[static_cast<std::size_t>(s)],
                             to_string(static_cast<TaskStatus>(s)));
  }
  double busy_s = 0;
  for (const auto& r : t.rank_timing) busy_s += r.compute_s;
  const int cores = d.total_threads;
  const double utilisation = t.wall_s > 0 ? busy_s / (cores * t.wall_s) : 0;
  text += fmt::format("simorch: {} tasks in {:.2f} s on {} rank{} x {} thread{} ({} cores): {}\n",
                      d.tasks_done, t.wall_s, d.ranks, d.ranks == 1 ? "" : "s", report.threads,
                      report.threads == 1 ? "" : "s", cores, by_status);
  text += fmt::format(
      "simorch: utilisation {:.1f} % (busy {:.2f} s / ({} cores x {:.2f} s)), "
      "setup {:.2f} s, finalize {:.2f} s\n",
      100 * utilisation, busy_s, cores, t.wall_s, t.setup_s, t.finalize_s);
  const std::uint64_t done = report.done_before + d.tasks_done;
  if (report.done_before > 0) {
    text +=
        fmt::format("simorch: resumed: {} tasks were done before this run\n", report.done_before);
  }
  if (report.exit_code == exit_code::interrupted) {
    text += fmt::format(
        "simorch: interrupted with {} of {} tasks done; {} is resumable: run the same command "
        "with --resume instead of --force\n",
        done, report.num_tasks, report.output.string());
  } else if (report.exit_code == exit_code::runtime_failure) {
    text += fmt::format("simorch: error: {} ({} of {} tasks done; finish with --resume)\n", d.error,
                        done, report.num_tasks);
  } else {
    text += fmt::format("simorch: results in {}\n", report.output.string());
  }
  return text;
}

}  // namespace simorch
