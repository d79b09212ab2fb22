#include "simorch/run/study_setup.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <system_error>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/run/preflight.hpp"
#include "simorch/run/stop_gate.hpp"
#include "simorch/study/make_task.hpp"

namespace simorch::detail {

// The writer owns the create / resume / force policy (docs/resume.md); the runner only
// makes the output's folder, as `-o new/dir/out.h5` promises.
std::unique_ptr<BatchWriter> open_output(const std::filesystem::path& path, const StudyPlan& plan,
                                         OpenMode mode) {
  if (const auto folder = path.parent_path(); !folder.empty()) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) throw IoError(folder.string(), "create folder", error.message(), true);
  }
  return std::make_unique<BatchWriter>(path, plan, mode);
}

void check_output_space(const StudyPlan& plan, const RunOptions& options, RunReport& report) {
  if (!options.is_checking_space) return;
  const SpaceEstimate estimate =
      estimate_space(plan, report.output, options.mode == OpenMode::resume);
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

/// Everything the task functions use, owned by them (pool threads never reach the caller's
/// stack): the plan and one kernel per kernel identity.
struct OwnedKernels {
  StudyPlan plan;
  std::vector<std::unique_ptr<BatchKernel>> kernels;
  std::vector<std::uint32_t> kernel_of;  ///< per variant (case · points + point)

  std::uint32_t kernel_index(std::uint64_t id) const {
    const TaskCoordinates at = plan.coordinates(id);
    return kernel_of[at.case_index * plan.num_points() + at.point];
  }
};

// What a kernel is built from (BatchKernel's constructor): variants that agree on it, e.g.
// the points of a grid over initial angles, share one kernel.
std::string kernel_identity(const Study& variant) {
  Study key;
  key.sim = variant.sim;
  key.controller = variant.controller;
  key.nominal = variant.nominal;
  return canonical_text(key);
}

/// Runs the tasks first + slots[k] on `kernel` into their summary slots; a task that
/// cannot be made is an error row and leaves the batch (lanes are independent, so the
/// others' bits do not depend on who shares their batch).
void run_slots(const BatchKernel& kernel, const StudyPlan& plan, std::uint64_t first,
               std::span<const std::size_t> slots, std::span<TaskSummary> summaries,
               std::span<const TrajectoryOut> outs) {
  std::vector<TaskSpec> specs;
  std::vector<std::size_t> ran;
  specs.reserve(slots.size());
  for (const std::size_t i : slots) {
    try {
      specs.push_back(plan.make_task(first + i));
      ran.push_back(i);
    } catch (const std::exception& e) {
      summaries[i] = TaskSummary{};
      summaries[i].status = TaskStatus::error;
      std::snprintf(summaries[i].message, TaskSummary::message_capacity, "%s", e.what());
    }
  }
  const bool is_whole = ran.size() == summaries.size();  // every slot, in order
  if (is_whole) {
    kernel.run(specs, summaries, outs);
    return;
  }
  std::vector<TaskSummary> results(ran.size());
  std::vector<TrajectoryOut> ran_outs;
  for (const std::size_t i : ran) ran_outs.push_back(outs.empty() ? TrajectoryOut{} : outs[i]);
  kernel.run(specs, results, outs.empty() ? std::span<const TrajectoryOut>{} : ran_outs);
  for (std::size_t k = 0; k < ran.size(); ++k) summaries[ran[k]] = results[k];
}

/// Splits the consecutive tasks first … into one group per kernel, each run (padded) on
/// its own kernel.
void run_batch(const OwnedKernels& owned, std::uint64_t first, std::span<TaskSummary> summaries,
               std::span<const TrajectoryOut> outs) {
  std::vector<std::vector<std::size_t>> groups(owned.kernels.size());
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    groups[owned.kernel_index(first + i)].push_back(i);
  }
  for (std::size_t k = 0; k < groups.size(); ++k) {
    if (!groups[k].empty()) {
      run_slots(*owned.kernels[k], owned.plan, first, groups[k], summaries, outs);
    }
  }
}

}  // namespace

StudyTasks make_study_tasks(const StudyPlan& plan, KernelIsa isa) {
  auto owned = std::make_shared<OwnedKernels>(OwnedKernels{plan, {}, {}});
  std::map<std::string, std::uint32_t> by_identity;
  for (std::size_t c = 0; c < plan.num_cases(); ++c) {
    for (std::uint64_t p = 0; p < plan.num_points(); ++p) {
      const Study& variant = plan.variant(c, p);
      const auto [at, is_new] = by_identity.try_emplace(
          kernel_identity(variant), static_cast<std::uint32_t>(owned->kernels.size()));
      if (is_new) {
        owned->kernels.push_back(
            std::make_unique<BatchKernel>(variant.sim, variant.controller, variant.nominal, isa));
      }
      owned->kernel_of.push_back(at->second);
    }
  }
  StudyTasks tasks;
  for (const auto& kernel : owned->kernels) {
    tasks.width = std::max(tasks.width, static_cast<std::uint64_t>(kernel->width()));
  }
  tasks.kernel = owned->kernels.front()->info();
  tasks.num_kernels = owned->kernels.size();
  std::shared_ptr<const OwnedKernels> shared = owned;
  tasks.task = [shared](std::uint64_t id, TrajectoryOut out) {
    const TaskSpec spec = shared->plan.make_task(id);
    TaskSummary summary;
    shared->kernels[shared->kernel_index(id)]->run({&spec, 1}, {&summary, 1}, {&out, 1});
    return summary;
  };
  tasks.batch = [shared](std::uint64_t first, std::span<TaskSummary> summaries,
                         std::span<const TrajectoryOut> outs) {
    run_batch(*shared, first, summaries, outs);
  };
  return tasks;
}

StudyTasks make_study_tasks(const Study& study, KernelIsa isa) {
  return make_study_tasks(StudyPlan::single(study), isa);
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

void follow_stop(StopGate& gate, const BatchWriter& writer, DispatchOptions& dispatch) {
  if (!gate.is_active()) return;
  writer.for_each_done([&](std::uint64_t id, TaskStatus status, bool is_success) {
    gate.record_done(id, status, is_success);
  });
  dispatch.stop_gate = &gate;
}

void bound_chunks_for_stop(const StudyPlan& plan, std::uint64_t total_threads,
                           DispatchOptions& dispatch) {
  const StopRule& rule = plan.base().monte_carlo.stop;
  if (!rule.is_active()) return;
  const std::uint64_t look = rule.check_every * plan.num_groups();
  const std::uint64_t cap = std::max<std::uint64_t>(
      dispatch.batch_width, look / (2 * std::max<std::uint64_t>(total_threads, 1)));
  dispatch.max_chunk = std::min(dispatch.max_chunk, cap);
  dispatch.min_chunk = std::min(dispatch.min_chunk, dispatch.max_chunk);
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
