#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "simorch/mpi/dispatcher.hpp"
#include "simorch/mpi/result_block.hpp"
#include "simorch/parallel/worker_pool.hpp"

namespace simorch::mpi::detail {

/// One rank's pool threads running whole chunks, each into its own ResultBlock.
///
/// An adapter over simorch::WorkerPool: the pool claims a chunk's tasks one by one over
/// its threads and moves on to the next queued chunk as soon as one has nothing left to
/// start, so a queued (prefetched) chunk keeps every thread busy. Main thread only.
class LocalRunner {
 public:
  /// With options.batch_task set, the pool's items are groups of options.batch_width
  /// consecutive tasks of a chunk, each run by one batch_task call.
  LocalRunner(int rank, int threads, const TaskFunction& task, std::int64_t samples_per_task,
              const DispatchOptions& options = {});
  ~LocalRunner();
  LocalRunner(const LocalRunner&) = delete;
  LocalRunner& operator=(const LocalRunner&) = delete;

  int threads() const noexcept { return threads_; }
  /// Queues a chunk; its block holds one slot per task.
  void submit(TaskRange chunk);
  /// Chunks submitted and not yet returned by take_completed().
  std::size_t num_in_flight() const noexcept { return in_flight_.size(); }
  bool is_idle() const noexcept { return in_flight_.empty(); }
  /// Blocks of every chunk that has finished; a cancelled chunk's block keeps only the
  /// tasks that ran.
  std::vector<ResultBlock> take_completed();
  /// Starts no further task; running ones finish (a graceful stop).
  void cancel();
  /// Sleeps until a chunk completes or `timeout_s` passes.
  void wait(double timeout_s);
  /// Per-thread accounting since construction; `tasks` counts tasks, not pool items (a
  /// batch-kernel group is one item).
  std::vector<ThreadStats> stats() const;
  /// Gives up on tasks that are still running (they may never end): the pool is leaked
  /// instead of joined, so the caller can abort the job. Only before process exit.
  void abandon() noexcept;

 private:
  struct InFlight {
    ChunkHandle handle;
    std::unique_ptr<ResultBlock> block;  // stable address: pool threads write into it
  };
  int rank_;
  int threads_;
  const TaskFunction& task_;
  std::int64_t samples_per_task_;
  const BatchTaskFunction* batch_task_ = nullptr;  // the caller's DispatchOptions own it
  std::uint64_t batch_width_ = 1;
  std::unique_ptr<std::atomic<std::uint64_t>[]> thread_tasks_;  // per thread, batch mode
  std::unique_ptr<WorkerPool> pool_;
  std::deque<InFlight> in_flight_;
  std::uint64_t seen_completions_ = 0;
};

}  // namespace simorch::mpi::detail
