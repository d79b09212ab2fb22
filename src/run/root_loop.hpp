#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "run/local_runner.hpp"
#include "run/result_writer_thread.hpp"
#include "simorch/error.hpp"
#include "simorch/run/dispatch.hpp"
#include "simorch/run/guided_scheduler.hpp"

namespace simorch::detail {

/// Rank 0's view of the other ranks of a job. The MPI layer implements it over its
/// channel; a run in one process has none (NoRemoteWorkers). Rank 0's main thread only.
class RemoteWorkers {
 public:
  virtual ~RemoteWorkers() = default;
  /// Ranks in the job, rank 0 included.
  virtual int size() const = 0;
  /// Handles every message that has arrived: result blocks go to `accept`; a worker's
  /// caught stop signal sets `has_stop_request`. Returns whether anything arrived.
  virtual bool receive_all(const std::function<void(ResultBlock)>& accept,
                           bool& has_stop_request) = 0;
  /// Hands chunks of `scheduler` to every worker that asked; returns whether any went.
  virtual bool hand_out(GuidedScheduler& scheduler) = 0;
  /// monte_carlo.stop: `group` stopped at sample `stop`; workers skip its later samples.
  virtual void announce_stop(std::uint64_t group, std::uint64_t stop) = 0;
  /// A stop began: every worker starts no new task and sends what it has finished.
  virtual void drain(int exit_code) = 0;
  /// The run is over: every worker leaves its loop with `exit_code`.
  virtual void stop(int exit_code) = 0;
  /// No handed-out task is still without its result.
  virtual bool is_idle() const = 0;
  /// After drain(): every worker has sent all it finished.
  virtual bool is_drained() const = 0;
  /// Collective at the end: rank 0's own rows (`mine`, `my_threads`) and every worker's
  /// into `outcome`.
  virtual void gather_timing(const RankTiming& mine, const std::vector<ThreadTiming>& my_threads,
                             DispatchOutcome& outcome) = 0;
};

/// No other ranks: a run in one process.
class NoRemoteWorkers final : public RemoteWorkers {
 public:
  int size() const override { return 1; }
  bool receive_all(const std::function<void(ResultBlock)>&, bool&) override { return false; }
  bool hand_out(GuidedScheduler&) override { return false; }
  void announce_stop(std::uint64_t, std::uint64_t) override {}
  void drain(int) override {}
  void stop(int) override {}
  bool is_idle() const override { return true; }
  bool is_drained() const override { return true; }
  void gather_timing(const RankTiming& mine, const std::vector<ThreadTiming>& my_threads,
                     DispatchOutcome& outcome) override {
    outcome.rank_timing = {mine};
    outcome.thread_timing = my_threads;
  }
};

/// Rank 0's main thread during a run: hands out guided chunks to its own pool (directly)
/// and to the workers that ask, passes every result block to the writer thread, and runs
/// the graceful stop. Protocol with MPI workers: src/run/messages.hpp and the MPI layer's
/// WorkerLoop.
class RootLoop {
 public:
  /// `host` names this process in /timing/ranks.
  RootLoop(RemoteWorkers& workers, const std::vector<TaskRange>& pending, ResultSink& sink,
           const TaskFunction& task, const DispatchOptions& options, std::uint64_t total_threads,
           std::string host);

  /// Runs until every task is done or a stop has drained every rank; then tells the
  /// workers to stop, flushes the writer and gathers the timing (collective).
  DispatchOutcome run();

 private:
  void accept(ResultBlock block);
  void write(ResultBlock block);
  void write_skipped();
  bool dispatch();
  void begin_stop(int exit_code);
  bool is_everything_done() const;
  bool is_everyone_drained() const;
  bool is_asked_to_stop();

  RemoteWorkers& workers_;
  const DispatchOptions& options_;
  LocalRunner local_;
  GuidedScheduler scheduler_;
  ResultWriterThread writer_;
  std::string host_;
  StopGate* gate_ = nullptr;  ///< monte_carlo.stop, when active
  static constexpr std::uint64_t skipped_block_rows = 4096;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  RankAccount account_;  ///< rank 0's own pool
  std::array<std::uint64_t, task_status_count> by_status_{};
  double last_result_unix_s_ = 0;
  bool is_stopping_ = false;
  int exit_code_ = exit_code::success;
  Clock::time_point stop_started_;
  Clock::time_point last_stop_poll_;
};

/// The guided schedule of `options`, with max_chunk lowered so that one chunk's result
/// block fits options.max_chunk_bytes (trajectories make tasks big).
GuidedSchedule make_schedule(const DispatchOptions& options, std::uint64_t total_threads);

}  // namespace simorch::detail
