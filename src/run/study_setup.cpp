#include "simorch/run/study_setup.hpp"

#include <fmt/core.h>

#include <system_error>

#include "simorch/error.hpp"
#include "simorch/run/preflight.hpp"
#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/study/task_source.hpp"

namespace simorch::detail {

std::unique_ptr<BatchWriter> open_output(const std::filesystem::path& path, const Study& study,
                                         OpenMode mode) {
  if (mode == OpenMode::create && std::filesystem::exists(path)) {
    throw IoError(path.string(), "create",
                  "the file exists; pass --force to overwrite it or --resume to finish it",
                  /*is_bad_input=*/true);
  }
  if (mode == OpenMode::resume && !std::filesystem::exists(path)) {
    throw IoError(path.string(), "resume", "no such file; run without --resume to start it",
                  /*is_bad_input=*/true);
  }
  if (const auto folder = path.parent_path(); !folder.empty()) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) throw IoError(folder.string(), "create folder", error.message(), true);
  }
  return std::make_unique<BatchWriter>(path, study, mode);
}

void check_output_space(const Study& study, const RunOptions& options, RunReport& report) {
  if (!options.is_checking_space) return;
  const SpaceEstimate estimate =
      estimate_space(study, report.output, options.mode == OpenMode::resume);
  if (auto warning = check_space(estimate, report.output)) {
    report.warnings.push_back(*warning);
    if (options.on_warning) options.on_warning(*warning);
  }
}

int resolve_threads(const Study& study, const RunOptions& options, const RankCores& cores) {
  if (options.threads > 0) return options.threads;
  if (study.execution.threads > 0) return study.execution.threads;
  return default_threads(cores);
}

std::optional<std::string> overbooking_warning(int threads, const RankCores& cores,
                                               bool is_elsewhere) {
  const bool is_here = threads > cores.affinity_cores;
  if (!is_here && !is_elsewhere) return std::nullopt;
  // Threads beyond the cores a rank is bound to share those cores: worth one warning.
  const std::string where =
      is_here ? fmt::format("rank 0 runs {} threads on {} core{}", threads, cores.affinity_cores,
                            cores.affinity_cores == 1 ? "" : "s")
              : std::string("a rank runs more threads than the cores it is bound to");
  return where +
         ", so its threads share cores; start with `mpirun --map-by slot:PE=<threads>` "
         "or `--bind-to none`";
}

DispatchOptions make_dispatch_options(const Study& study, const RunOptions& options, int threads) {
  DispatchOptions dispatch;
  dispatch.threads = threads;
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
  dispatch.should_stop = options.should_stop;
  dispatch.is_watching_signals = options.is_catching_signals;
  return dispatch;
}

TaskFunction make_task_function(const Study& study) {
  struct Tasks {
    Study study;
    SequentialOrchestrator sim;
    explicit Tasks(const Study& s) : study(s), sim(study.sim, study.controller, study.nominal) {}
  };
  auto tasks = std::make_shared<const Tasks>(study);
  return [tasks](std::uint64_t id, TrajectoryOut out) {
    return tasks->sim.run(make_task(tasks->study, id), out);
  };
}

void fill_timing(RunReport& report, const BatchWriter& writer, double start_unix_s,
                 double setup_s) {
  SegmentTiming& t = report.timing;
  t.segment = writer.segment();
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

}  // namespace simorch::detail
