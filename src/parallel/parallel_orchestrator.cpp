#include "simorch/parallel/parallel_orchestrator.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>

#include "simorch/study/make_task.hpp"

namespace simorch {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Summary of a task that could not even be made: status error with the reason.
TaskSummary failed_generation(std::uint64_t index, const char* what) {
  TaskSummary s{};
  s.task_id = index;
  s.status = TaskStatus::error;
  std::strncpy(s.message, what, TaskSummary::message_capacity - 1);
  return s;
}

}  // namespace

ParallelOrchestrator::ParallelOrchestrator(const SimConfig& config,
                                           const ControllerConfig& controller,
                                           const DipParams& nominal, int threads)
    : sequential_(config, controller, nominal), pool_(threads) {}

BatchResultContainer ParallelOrchestrator::run(std::span<const TaskSpec> tasks) {
  return run(tasks.size(), [tasks](std::uint64_t i) { return tasks[i]; });
}

BatchResultContainer ParallelOrchestrator::run(std::uint64_t num_tasks,
                                               const TaskGenerator& generator) {
  const SimConfig& config = sequential_.config();
  const auto num_samples = static_cast<std::size_t>(config.num_samples());
  BatchResultContainer results(num_tasks, num_samples,
                               static_cast<double>(config.save_every) * config.dt);

  pool_.reset_stats();
  const auto start = std::chrono::steady_clock::now();
  // One chunk over all tasks: threads claim one index at a time, so long and short tasks
  // balance themselves and slot i is written by exactly one thread.
  pool_
      .run_chunk(TaskRange{0, num_tasks},
                 [&](std::uint64_t i, int thread) {
                   TaskSummary summary;
                   try {
                     const TaskSpec task = generator(i);
                     summary = sequential_.run(task, results.trajectory_slot(i));
                   } catch (const std::exception& e) {
                     summary = failed_generation(i, e.what());
                   } catch (...) {
                     summary = failed_generation(i, "unknown exception while making the task");
                   }
                   summary.rank = 0;
                   summary.thread = thread;
                   results.set_summary(i, summary);
                 })
      .wait();

  results.set_timing(BatchTiming{seconds_since(start), pool_.stats()});
  return results;
}

BatchResultContainer run_parallel_simulations(const Study& study, int threads) {
  if (threads == 0) threads = study.execution.threads;
  ParallelOrchestrator runner(study.sim, study.controller, study.nominal, threads);
  return runner.run(study.num_tasks(), [&study](std::uint64_t id) { return make_task(study, id); });
}

BatchResultContainer run_parallel_simulations(const SimConfig& config,
                                              const ControllerConfig& controller,
                                              const DipParams& nominal,
                                              std::span<const TaskSpec> tasks, int threads) {
  ParallelOrchestrator runner(config, controller, nominal, threads);
  return runner.run(tasks);
}

}  // namespace simorch
