#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "dispatch_common.hpp"
#include "local_runner.hpp"
#include "mpi_channel.hpp"
#include "result_writer_thread.hpp"
#include "simorch/error.hpp"
#include "simorch/mpi/dispatcher.hpp"
#include "simorch/mpi/guided_scheduler.hpp"

namespace simorch::mpi::detail {

/// Rank 0's main thread during a run: hands out guided chunks to its own pool (directly)
/// and to the workers that ask, passes every result block to the writer thread, and runs
/// the graceful stop. Protocol: messages.hpp; the worker side: WorkerLoop.
class RootLoop {
 public:
  RootLoop(MpiChannel& channel, const std::vector<TaskRange>& pending, ResultSink& sink,
           const TaskFunction& task, const DispatchOptions& options, std::uint64_t total_threads);

  /// Runs until every task is done or a stop has drained every rank; then tells the
  /// workers to stop, flushes the writer and gathers the timing (collective).
  DispatchOutcome run();

 private:
  struct Worker {
    int chunks_requested = 0;           // requests not answered yet
    std::uint64_t tasks_in_flight = 0;  // handed out, results not yet back
    bool is_drained = false;            // after a stop: all its results arrived
  };

  bool receive_all();
  void accept(ResultBlock block);
  bool dispatch();
  void begin_stop(int exit_code);
  bool is_everything_done() const;
  bool is_everyone_drained() const;

  MpiChannel& channel_;
  const DispatchOptions& options_;
  LocalRunner local_;
  GuidedScheduler scheduler_;
  ResultWriterThread writer_;
  std::vector<Worker> workers_;  // index = rank; [0] unused
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  std::uint64_t local_tasks_ = 0;
  std::array<std::uint64_t, task_status_count> by_status_{};
  double last_result_unix_s_ = 0;
  bool is_stopping_ = false;
  int exit_code_ = exit_code::success;
  Clock::time_point stop_started_;
};

}  // namespace simorch::mpi::detail
