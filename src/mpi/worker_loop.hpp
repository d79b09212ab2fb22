#pragma once

#include <cstdint>
#include <optional>

#include "dispatch_common.hpp"
#include "mpi_channel.hpp"
#include "simorch/mpi/dispatcher.hpp"

namespace simorch::mpi::detail {

/// The main thread of ranks 1 … R−1 during a run: keeps two chunks in its pool (asking
/// rank 0 before it runs dry), sends each finished chunk's results as one message, and
/// follows rank 0's drain and stop. Protocol: messages.hpp; the other side: RootLoop.
class WorkerLoop {
 public:
  WorkerLoop(MpiChannel& channel, const TaskFunction& task, const DispatchOptions& options);

  /// Runs until rank 0 says stop; then gathers the timing (collective).
  DispatchOutcome run();

 private:
  /// Handles what rank 0 sent; returns the exit code once it said stop.
  std::optional<int> receive_all(bool& is_active);
  void start_drain();

  MpiChannel& channel_;
  LocalRunner local_;
  simorch::detail::StopBoard* board_;  ///< null without monte_carlo.stop
  RankAccount account_;
  int chunks_requested_ = 0;  // asked for, not yet received
  bool is_draining_ = false;
  bool has_requested_stop_ = false;
  bool has_sent_drained_ = false;
};

}  // namespace simorch::mpi::detail
