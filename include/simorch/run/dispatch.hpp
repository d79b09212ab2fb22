#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "simorch/io/run_timing.hpp"
#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/sim/task.hpp"
#include "simorch/study/make_task.hpp"

namespace simorch {

namespace detail {
class StopBoard;
class StopGate;
}  // namespace detail

/// @file
/// What a run is made of, with or without MPI: the task, where results go, the settings
/// and the outcome. The MPI layer's run_dispatch and run_study_in_process share them.

/// Runs task `id` and fills its trajectory; called concurrently from pool threads of every
/// rank, so it must be thread-safe. An exception becomes status `error` with its message.
/// The dispatcher sets task_id, rank, thread and wall_time_s of the summary it returns.
using TaskFunction = std::function<TaskSummary(std::uint64_t id, TrajectoryOut trajectory)>;

/// Runs the consecutive tasks first .. first + summaries.size() − 1 together (the batch
/// kernel, docs/kernel.md); `trajectories` is empty or holds one slot per task. Same
/// thread-safety and error rules as TaskFunction; the dispatcher sets task_id, rank,
/// thread and, when the function leaves it 0, wall_time_s (the task's share of the call).
using BatchTaskFunction = std::function<void(std::uint64_t first, std::span<TaskSummary> summaries,
                                             std::span<const TrajectoryOut> trajectories)>;

/// Where rank 0 puts results: called from rank 0's writer thread only, one call at a time
/// (a BatchWriter behind it is then touched by a single thread, design.md).
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  /// Records finished tasks (any order of task ids; see BatchWriter::write).
  virtual void write(std::span<const TaskSummary> summaries, std::span<const double> states,
                     std::span<const double> controls) = 0;
  /// Makes what was written durable; called every DispatchOptions::checkpoint_interval_s.
  virtual void checkpoint() = 0;
};

/// Where a run stands; handed to DispatchOptions::on_progress on rank 0's main thread.
struct DispatchProgress {
  std::uint64_t done = 0;    ///< results received in this run
  std::uint64_t total = 0;   ///< tasks this run started with (pending ones)
  double elapsed_s = 0;      ///< since dispatch started
  bool is_stopping = false;  ///< a stop signal is being handled
  bool is_final = false;     ///< last call, after the last result
};

/// Settings of one run; must be equal on every rank except `threads` and `on_progress`.
struct DispatchOptions {
  int threads = 1;                     ///< pool threads on this rank (ranks may differ)
  std::uint64_t min_chunk = 1;         ///< execution.min_chunk
  std::uint64_t max_chunk = 4096;      ///< execution.max_chunk
  std::int64_t samples_per_task = 0;   ///< trajectory samples per task (0: summaries only)
  double stop_timeout_s = 10.0;        ///< bound on collecting in-flight results after a stop
  double checkpoint_interval_s = 2.0;  ///< rank 0 writer: ResultSink::checkpoint() period
  /// Caps a chunk's result block (trajectories make tasks large), so a chunk never needs
  /// more memory than this, whatever max_chunk says (at least one task per chunk).
  std::size_t max_chunk_bytes = std::size_t{4} << 20;
  /// Rank 0 hands out no chunk while more result bytes than this wait for the writer:
  /// the backpressure that keeps rank 0's memory independent of the number of tasks.
  /// 1 MiB keeps the writer busy (it writes a block in well under the time the pool
  /// needs to fill one) without growing rank 0's peak RSS (bench/README.md).
  std::size_t max_queued_bytes = std::size_t{1} << 20;
  double progress_interval_s = 0.1;  ///< minimum time between on_progress calls
  /// With `batch_task` set, pool threads run up to `batch_width` consecutive tasks per call
  /// instead of calling the TaskFunction per task, and rank 0 rounds chunk sizes up to
  /// multiples of batch_width where max_chunk allows (rank 0's value counts).
  std::uint64_t batch_width = 1;
  BatchTaskFunction batch_task;
  std::function<void(const DispatchProgress&)> on_progress;  ///< rank 0 only; may be empty
  /// Rank 0 only; may be empty. Polled by the main thread every should_stop_interval_s:
  /// true stops the run like SIGINT (resumable, exit code 75). For callers that own the
  /// signals (Python: KeyboardInterrupt) or stop a run from another thread.
  std::function<bool()> should_stop;
  double should_stop_interval_s = 0.05;  ///< polling period of should_stop
  /// Whether stop signals caught by a StopSignalScope stop the run (false: only
  /// should_stop does, e.g. when the caller handles signals itself).
  bool is_watching_signals = true;
  /// Rank 0 only; may be null: monte_carlo.stop's gate, which skips tasks past a stop and
  /// turns their results into not_run rows (src/run/stop_gate.hpp). Must outlive the run.
  detail::StopGate* stop_gate = nullptr;
  /// Worker ranks; may be null: the board this rank's task functions read, set from rank
  /// 0's group_stopped messages (src/run/stop_gate.hpp). Must outlive the run.
  detail::StopBoard* stop_board = nullptr;
};

/// How a run ended. Fields marked "rank 0" are only meaningful there.
struct DispatchOutcome {
  /// Agreed on every rank: 0 all tasks done, 75 stopped by a signal (resumable),
  /// 1 rank 0's writer failed (see `error`).
  int exit_code = 0;
  RunOutcome outcome = RunOutcome::complete;
  /// Workers did not drain within stop_timeout_s: rank 0 must close its file and call
  /// abort_all_ranks(exit_code); the other ranks are still running.
  bool is_abandoned = false;
  std::string error;                                         ///< rank 0: writer error
  std::uint64_t tasks_done = 0;                              ///< rank 0: results written
  std::array<std::uint64_t, task_status_count> by_status{};  ///< rank 0: per TaskStatus
  double start_unix_s = 0;                                   ///< when dispatch started
  double wall_s = 0;              ///< dispatch start to the end of the loop, this rank
  double last_result_unix_s = 0;  ///< rank 0: when the last result arrived (finalize_s starts)
  int ranks = 1;
  int total_threads = 1;
  std::vector<RankTiming> rank_timing;      ///< rank 0: one row per rank
  std::vector<ThreadTiming> thread_timing;  ///< rank 0: one row per pool thread
};

namespace detail {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Chunks in a rank's pool at once: the running one and one prefetched, so a worker never
/// waits for rank 0's reply between chunks.
inline constexpr std::size_t chunks_per_rank = 2;

}  // namespace detail
}  // namespace simorch
