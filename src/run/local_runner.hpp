#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "run/result_block.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/parallel/worker_pool.hpp"
#include "simorch/run/dispatch.hpp"

namespace simorch::detail {

/// One rank's pool threads running whole chunks, each into its own ResultBlock.
///
/// An adapter over simorch::WorkerPool: the pool claims a chunk's tasks one by one over
/// its threads and moves on to the next queued chunk as soon as one has nothing left to
/// start, so a queued (prefetched) chunk keeps every thread busy. Main thread only.
class LocalRunner {
 public:
  /// Keeps its own copies of `task` and options.batch_task, shared with the pool's jobs:
  /// a pool given up by abandon() still owns the functions its running tasks call. With
  /// options.batch_task set, the pool's items are groups of options.batch_width
  /// consecutive tasks of a chunk, each run by one batch_task call.
  LocalRunner(int rank, int threads, TaskFunction task, std::int64_t samples_per_task,
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
  /// Per-thread accounting since construction.
  /// Per pool thread; `tasks` counts tasks, also when a pool item is a kernel batch.
  std::vector<ThreadStats> stats() const;
  /// Gives up on tasks that are still running (they may never end): no further task
  /// starts, and the pool is leaked instead of joined together with everything its
  /// running tasks touch (the task function, their result blocks), so the caller can
  /// close the file and end the process while they run on.
  void abandon() noexcept;

 private:
  struct InFlight {
    ChunkHandle handle;
    std::unique_ptr<ResultBlock> block;  // stable address: pool threads write into it
  };
  int rank_;
  int threads_;
  std::shared_ptr<const TaskFunction> task_;
  std::int64_t samples_per_task_;
  std::shared_ptr<const BatchTaskFunction> batch_task_;
  /// Tasks each pool thread ran in batches (the pool itself counts items).
  std::shared_ptr<std::vector<std::atomic<std::uint64_t>>> batch_tasks_per_thread_;
  std::uint64_t batch_width_ = 1;
  std::unique_ptr<WorkerPool> pool_;
  std::deque<InFlight> in_flight_;
  std::uint64_t seen_completions_ = 0;
};

/// What a rank did, for its timing row.
struct RankAccount {
  std::uint64_t tasks = 0;      ///< rows its pool returned
  std::uint64_t simulated = 0;  ///< of those, not skipped past a stop (nor cancelled)
  double wall_s = 0;

  void count(const TaskSummary& row) noexcept {
    ++tasks;
    if (is_simulated(row.status)) ++simulated;
  }
};

/// This rank's /timing/ranks row from its pool's accounting; `comm_s` is the main thread's
/// time in MPI (0 in process).
RankTiming rank_timing(const LocalRunner& local, int rank, const RankAccount& account,
                       double comm_s, std::string host);
/// One /timing/threads row per pool thread of this rank.
std::vector<ThreadTiming> thread_timing(const LocalRunner& local, int rank);

}  // namespace simorch::detail
