#include "simorch/parallel/parallel_orchestrator.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <vector>

#include "simorch/study/make_task.hpp"

namespace simorch {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Summary of a task that could not even be made: status error with the reason.
TaskSummary failed_generation(std::uint64_t index, const char* what) noexcept {
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
    : kernel_(config, controller, nominal), pool_(threads) {}

BatchResultContainer ParallelOrchestrator::run(std::span<const TaskSpec> tasks) {
  return run(tasks.size(), [tasks](std::uint64_t i) { return tasks[i]; });
}

BatchResultContainer ParallelOrchestrator::run(std::uint64_t num_tasks,
                                               const TaskGenerator& generator) {
  const SimConfig& config = kernel_.scalar().config();
  const auto num_samples = static_cast<std::size_t>(config.num_samples());
  BatchResultContainer results(num_tasks, num_samples,
                               static_cast<double>(config.save_every) * config.dt);

  pool_.reset_stats();
  const auto start = std::chrono::steady_clock::now();
  // One chunk over all groups of `width` consecutive tasks: threads claim one group at a
  // time, so long and short groups balance themselves and slot i is written by exactly
  // one thread. A task that cannot be made leaves its group (lanes are independent).
  const auto width = static_cast<std::uint64_t>(kernel_.width());
  // Tasks per thread: the pool counts items, and an item here is a group.
  std::vector<std::atomic<std::uint64_t>> thread_tasks(
      static_cast<std::size_t>(pool_.num_threads()));
  pool_
      .run_chunk(TaskRange{0, (num_tasks + width - 1) / width},
                 [&](std::uint64_t group, int thread) {
                   const auto record = [&](std::uint64_t i, TaskSummary summary) {
                     summary.rank = 0;
                     summary.thread = thread;
                     results.set_summary(i, summary);
                   };
                   const std::uint64_t first = group * width;
                   const std::uint64_t end = std::min(num_tasks, first + width);
                   std::vector<TaskSpec> tasks;
                   std::vector<std::uint64_t> ids;
                   std::vector<TrajectoryOut> outs;
                   for (std::uint64_t i = first; i < end; ++i) {
                     try {
                       tasks.push_back(generator(i));
                       ids.push_back(i);
                       outs.push_back(results.trajectory_slot(i));
                     } catch (const std::exception& e) {
                       record(i, failed_generation(i, e.what()));
                     } catch (...) {
                       record(i, failed_generation(i, "unknown exception while making the task"));
                     }
                   }
                   std::vector<TaskSummary> summaries(tasks.size());
                   kernel_.run(tasks, summaries, outs);
                   for (std::size_t k = 0; k < ids.size(); ++k) {
                     record(ids[k], summaries[k]);
                   }
                   thread_tasks[static_cast<std::size_t>(thread)] += end - first;
                 })
      .wait();

  std::vector<ThreadStats> stats = pool_.stats();
  for (std::size_t i = 0; i < stats.size() && i < thread_tasks.size(); ++i) {
    stats[i].tasks = thread_tasks[i].load();
  }
  results.set_timing(BatchTiming{seconds_since(start), std::move(stats)});
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
