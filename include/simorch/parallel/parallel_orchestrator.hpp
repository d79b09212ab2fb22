#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "simorch/parallel/batch_result_container.hpp"
#include "simorch/parallel/worker_pool.hpp"
#include "simorch/sim/batch_kernel.hpp"
#include "simorch/study/study.hpp"

namespace simorch {

/// Runs a batch of independent tasks on one process: a WorkerPool whose threads share one
/// (immutable) BatchKernel and pull groups of kernel width() consecutive tasks from an
/// atomic counter (docs/kernel.md); each task's wall_time_s is its share of its group.
/// Results are kept in memory in task order; for studies too big for memory, `simorch run`
/// streams them to an HDF5 file instead. Every result records rank 0 and the pool thread
/// that ran it. One run() at a time per object: each run restarts the pool's accounting.
///
/// @code
///   simorch::ParallelOrchestrator runner(study.sim, study.controller, study.nominal, 2);
///   const auto results = runner.run(tasks);  // std::vector<TaskSpec> or any span of them
///   std::cout << results.count(simorch::TaskStatus::completed) << " completed\n";
/// @endcode
class ParallelOrchestrator {
 public:
  /// Makes task i on demand; called concurrently from the pool's threads, so it must be
  /// thread-safe (make_task(study, id) is).
  using TaskGenerator = std::function<TaskSpec(std::uint64_t index)>;

  /// Validates the configuration (ConfigError, or Error for an unstable LQR design) and
  /// starts `threads` pool threads (0: one per core).
  ParallelOrchestrator(const SimConfig& config, const ControllerConfig& controller,
                       const DipParams& nominal, int threads = 0);

  /// Runs every task of `tasks`; result i belongs to tasks[i].
  BatchResultContainer run(std::span<const TaskSpec> tasks);
  /// Runs tasks 0..num_tasks-1, each made by `generator` on the thread that runs it (no
  /// task list is held in memory). A generator that throws turns its task into status
  /// `error` with the exception's message.
  BatchResultContainer run(std::uint64_t num_tasks, const TaskGenerator& generator);

  /// Number of pool threads.
  int num_threads() const noexcept { return pool_.num_threads(); }
  /// The one-task scalar path (the kernel's reference; not bitwise the kernel's results).
  const SequentialOrchestrator& sequential() const noexcept { return kernel_.scalar(); }
  /// The batch kernel every thread shares.
  const BatchKernel& kernel() const noexcept { return kernel_; }

 private:
  BatchKernel kernel_;
  WorkerPool pool_;
};

/// Runs every task of `study` (task i = make_task(study, i)) with `threads` threads; 0 means
/// study.execution.threads, or one per core when that is 0 too.
BatchResultContainer run_parallel_simulations(const Study& study, int threads = 0);

/// One call for a hand-made batch: result i belongs to tasks[i]; threads 0: one per core.
BatchResultContainer run_parallel_simulations(const SimConfig& config,
                                              const ControllerConfig& controller,
                                              const DipParams& nominal,
                                              std::span<const TaskSpec> tasks, int threads = 0);

}  // namespace simorch
