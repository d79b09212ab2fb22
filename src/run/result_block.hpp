#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "run/messages.hpp"
#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/sim/task.hpp"

namespace simorch {

/// Results of one chunk in wire format: WorkerHeader, TaskSummary[n], state doubles,
/// control doubles, in one contiguous buffer.
///
/// Pool threads write slot i of a fresh block in place (summary and trajectory), the
/// main thread sends bytes() as one MPI message, and rank 0 hands the received block to
/// the writer thread unchanged: a result is never copied between finishing and being
/// written. Move-only; not thread-safe except that different slots may be written by
/// different threads at once.
class ResultBlock {
 public:
  ResultBlock() = default;
  /// `num_slots` default summaries (status pending) and NaN trajectories of
  /// `samples_per_task` samples each (0: no trajectories).
  ResultBlock(std::uint64_t num_slots, std::int64_t samples_per_task);

  /// Adopts a received message. Throws Error when the size does not match its header.
  static ResultBlock from_bytes(std::unique_ptr<std::byte[]> bytes, std::size_t num_bytes);
  /// Bytes a block of `num_slots` slots occupies (the unit of memory accounting).
  static std::size_t bytes_for(std::uint64_t num_slots, std::int64_t samples_per_task) noexcept;

  std::uint64_t size() const noexcept { return header().num_summaries; }
  bool is_empty() const noexcept { return !data_ || size() == 0; }
  std::int64_t samples_per_task() const noexcept { return header().samples_per_task; }

  std::span<TaskSummary> summaries() noexcept;
  std::span<const TaskSummary> summaries() const noexcept;
  /// num_slots·samples·6 doubles, slot-major.
  std::span<const double> states() const noexcept;
  /// num_slots·samples doubles, slot-major.
  std::span<const double> controls() const noexcept;
  /// Where slot i's trajectory goes (empty spans without trajectories).
  TrajectoryOut trajectory(std::uint64_t slot) noexcept;

  /// Keeps only the slots whose status is not pending (finished tasks), in order; used
  /// when a stop leaves a chunk half done.
  void compact_finished();

  /// The whole message (header included), for sending.
  std::span<const std::byte> bytes() const noexcept;

 private:
  const WorkerHeader& header() const noexcept;
  double* state_data() const noexcept;
  double* control_data() const noexcept;

  std::unique_ptr<std::byte[]> data_;
  std::size_t num_bytes_ = 0;
};

}  // namespace simorch
