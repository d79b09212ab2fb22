#include "simorch/mpi/study_runner.hpp"

#include <fmt/core.h>

#include <boost/mpi/collectives/all_reduce.hpp>
#include <boost/mpi/communicator.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <system_error>

#include "simorch/mpi/collective_failure.hpp"
#include "simorch/mpi/guided_scheduler.hpp"
#include "simorch/mpi/rank_cores.hpp"
#include "simorch/mpi/stop_signal.hpp"
#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/study/make_task.hpp"

namespace simorch::mpi {
namespace {
// Rank 0's BatchWriter behind the dispatcher's writer thread.
class BatchSink : public ResultSink {
 public:
  explicit BatchSink(BatchWriter& writer) : writer_(writer) {}
  void write(std::span<const TaskSummary> summaries, std::span<const double> states,
             std::span<const double> controls) override {
    writer_.write(summaries, states, controls);
  }
  void checkpoint() override { writer_.checkpoint(); }

 private:
  BatchWriter& writer_;
};

// The writer owns the create / resume / force policy (docs/resume.md); the runner only
// makes the output's folder, as `-o new/dir/out.h5` promises.
std::unique_ptr<BatchWriter> open_output(const std::filesystem::path& path, const Study& study,
                                         OpenMode mode) {
  if (const auto folder = path.parent_path(); !folder.empty()) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) throw IoError(folder.string(), "create folder", error.message(), true);
  }
  return std::make_unique<BatchWriter>(path, study, mode);
}

int resolve_threads(const Study& study, const RunOptions& options, const RankCores& cores) {
  if (options.threads > 0) return options.threads;
  if (study.execution.threads > 0) return study.execution.threads;
  return default_threads(cores);
}
}  // namespace

RunReport run_study(const Study& study, const RunOptions& options) {
  boost::mpi::communicator world;
  const bool is_root = world.rank() == 0;
  const double start_unix_s =
      options.command_start_unix_s > 0 ? options.command_start_unix_s : unix_now();
  StopSignalScope signals;  // a signal during setup still ends in an orderly stop

  RunReport report;
  report.output = options.output.empty() ? study.output.path : options.output;
  report.num_tasks = study.num_tasks();
  const RankCores cores = query_rank_cores();
  report.threads = resolve_threads(study, options, cores);
  // Threads beyond the cores a rank is bound to share those cores: worth one warning.
  const int is_overbooked_here = report.threads > cores.affinity_cores ? 1 : 0;
  int is_overbooked = is_overbooked_here;
  boost::mpi::all_reduce(world, boost::mpi::inplace(is_overbooked), boost::mpi::maximum<int>());
  if (is_root && is_overbooked) {
    const std::string where =
        is_overbooked_here ? fmt::format("rank 0 runs {} threads on {} core{}", report.threads,
                                         cores.affinity_cores, cores.affinity_cores == 1 ? "" : "s")
                           : std::string("a rank runs more threads than the cores it is bound to");
    report.warnings.push_back(
        where +
        ", so its threads share cores; start with `mpirun --map-by slot:PE=<threads>` "
        "or `--bind-to none`");
    if (options.on_warning) options.on_warning(report.warnings.back());
  }

  std::unique_ptr<BatchWriter> writer;
  std::vector<TaskRange> pending;
  run_collectively([&] {
    if (!is_root) return;
    writer = open_output(report.output, study, options.mode);
    pending = writer->pending();
    report.done_before = writer->num_done();
  });
  std::optional<SequentialOrchestrator> orchestrator;
  run_collectively([&] { orchestrator.emplace(study.sim, study.controller, study.nominal); });

  DispatchOptions dispatch;
  dispatch.threads = report.threads;
  dispatch.min_chunk = options.min_chunk > 0 ? options.min_chunk : study.execution.min_chunk;
  dispatch.max_chunk = options.max_chunk > 0 ? options.max_chunk : study.execution.max_chunk;
  if (dispatch.max_chunk < dispatch.min_chunk) {
    // --chunk-min alone may exceed the study's max_chunk: the command line wins.
    if (options.max_chunk == 0) dispatch.max_chunk = dispatch.min_chunk;
    if (options.min_chunk == 0) dispatch.min_chunk = dispatch.max_chunk;
  }
  dispatch.samples_per_task = study.sim.num_samples();
  dispatch.stop_timeout_s = study.execution.stop_timeout_s;
  dispatch.on_progress = options.on_progress;
  run_collectively([&] { (void)GuidedScheduler({}, {1, dispatch.min_chunk, dispatch.max_chunk}); });

  const SequentialOrchestrator& sim = *orchestrator;
  const TaskFunction task = [&sim, &study](std::uint64_t id, TrajectoryOut out) {
    return sim.run(make_task(study, id), out);
  };
  std::optional<BatchSink> sink;
  if (is_root) sink.emplace(*writer);
  const double setup_s = unix_now() - start_unix_s;

  report.dispatch = run_dispatch(pending, is_root ? &*sink : nullptr, task, dispatch);
  report.exit_code = report.dispatch.exit_code;

  if (is_root) {
    SegmentTiming& t = report.timing;
    t.segment = writer->segment();
    t.start_unix_s = start_unix_s;
    t.setup_s = setup_s;
    t.ranks = report.dispatch.ranks;
    t.threads_per_rank = report.threads;
    t.tasks_done = report.dispatch.tasks_done;
    t.outcome = report.dispatch.outcome;
    t.rank_timing = report.dispatch.rank_timing;
    t.thread_timing = report.dispatch.thread_timing;
    t.end_unix_s = unix_now();
    t.finalize_s = t.end_unix_s - report.dispatch.last_result_unix_s;
    t.wall_s = t.end_unix_s - start_unix_s;
  }
  if (report.dispatch.is_abandoned) {
    // Other ranks no longer answer: no collective step; close what we have and let the
    // caller abort the job.
    if (is_root) {
      try {
        writer->close(report.timing);
      } catch (...) {
      }
    }
    return report;
  }
  run_collectively([&] {
    if (is_root) writer->close(report.timing);
  });
  return report;
}

std::string format_summary(const RunReport& report) {
  const auto& d = report.dispatch;
  const auto& t = report.timing;
  std::string text;
  std::string by_status;
  for (int s = 1; s < task_status_count; ++s) {
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

}  // namespace simorch::mpi
