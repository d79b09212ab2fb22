#include "simorch/run/study_setup.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <system_error>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/run/preflight.hpp"
#include "simorch/study/make_task.hpp"

namespace simorch::detail {

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

namespace {

/// Makes tasks first, first + 1, ... on this pool thread and runs them as one batch; a task
/// that cannot be made is an error row and leaves the batch (lanes are independent).
void run_batch(const BatchKernel& kernel, const Study& study, std::uint64_t first,
               std::span<TaskSummary> summaries, std::span<const TrajectoryOut> outs) {
  std::vector<TaskSpec> specs;
  std::vector<std::size_t> slots;
  specs.reserve(summaries.size());
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    try {
      specs.push_back(make_task(study, first + i));
      slots.push_back(i);
    } catch (const std::exception& e) {
      summaries[i] = TaskSummary{};
      summaries[i].status = TaskStatus::error;
      std::snprintf(summaries[i].message, TaskSummary::message_capacity, "%s", e.what());
    }
  }
  if (slots.size() == summaries.size()) {
    kernel.run(specs, summaries, outs);
    return;
  }
  std::vector<TaskSummary> ran(slots.size());
  std::vector<TrajectoryOut> ran_outs;
  for (const std::size_t s : slots) ran_outs.push_back(outs.empty() ? TrajectoryOut{} : outs[s]);
  kernel.run(specs, ran, ran_outs);
  for (std::size_t k = 0; k < slots.size(); ++k) summaries[slots[k]] = ran[k];
}

}  // namespace

StudyTasks make_study_tasks(const Study& study, KernelIsa isa) {
  struct Owned {
    Study study;
    BatchKernel kernel;
    Owned(const Study& s, KernelIsa i)
        : study(s), kernel(study.sim, study.controller, study.nominal, i) {}
  };
  auto owned = std::make_shared<const Owned>(study, isa);
  StudyTasks tasks;
  tasks.width = static_cast<std::uint64_t>(owned->kernel.width());
  tasks.kernel = owned->kernel.info();
  tasks.task = [owned](std::uint64_t id, TrajectoryOut out) {
    const TaskSpec spec = make_task(owned->study, id);
    TaskSummary summary;
    owned->kernel.run({&spec, 1}, {&summary, 1}, {&out, 1});
    return summary;
  };
  tasks.batch = [owned](std::uint64_t first, std::span<TaskSummary> summaries,
                        std::span<const TrajectoryOut> outs) {
    run_batch(owned->kernel, owned->study, first, summaries, outs);
  };
  return tasks;
}

void check_resume_numerics(const BatchWriter& writer, const KernelInfo& info,
                           const std::filesystem::path& path) {
  for (const SegmentTiming& segment : writer.previous_segments()) {
    const std::string before = numerics_of(segment.kernel);
    if (before.empty() || before == info.numerics) continue;
    throw ConfigError("SIMORCH_KERNEL_ISA", info.isa.empty() ? "(unset)" : info.isa,
                      "a kernel with the numerics of segment " + std::to_string(segment.segment) +
                          " of " + path.string() + " (" + segment.kernel +
                          "): sleef-fma = avx2 or avx512, sleef-nofma = sse2; mixing them "
                          "would not give the bits of an uninterrupted run");
  }
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
  t.kernel = report.kernel;
  t.rank_timing = report.dispatch.rank_timing;
  t.thread_timing = report.dispatch.thread_timing;
  t.end_unix_s = unix_now();
  t.finalize_s = t.end_unix_s - report.dispatch.last_result_unix_s;
  t.wall_s = t.end_unix_s - start_unix_s;
}

}  // namespace simorch::detail
