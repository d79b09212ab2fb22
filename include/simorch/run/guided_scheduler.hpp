#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "simorch/study/task_source.hpp"

namespace simorch {

/// Chunk-size bounds and the parallelism the guided rule divides by.
struct GuidedSchedule {
  std::uint64_t total_threads = 1;  ///< pool threads over all ranks
  std::uint64_t min_chunk = 1;      ///< smallest chunk (unless fewer tasks remain in a range)
  std::uint64_t max_chunk = 4096;   ///< largest chunk
};

/// Rank 0's task queue: guided self-scheduling over the pending task ranges.
///
/// Each chunk has clamp(ceil(remaining / (2·total_threads)), min_chunk, max_chunk) tasks,
/// so early chunks are large (few messages) and the last ones small (a short tail), and
/// never crosses a gap between pending ranges (a chunk is one contiguous id range). A
/// pure, single-threaded value: rank 0's main thread owns it.
class GuidedScheduler {
 public:
  /// `pending` are sorted, disjoint ranges (BatchWriter::pending()); empty ranges are
  /// ignored. Throws ConfigError (execution.min_chunk / max_chunk) for min_chunk == 0 or
  /// max_chunk < min_chunk, and std::invalid_argument for unsorted or overlapping ranges.
  GuidedScheduler(std::vector<TaskRange> pending, GuidedSchedule schedule);

  /// The next chunk, or an empty range when every task has been handed out.
  TaskRange next();
  /// Tasks not yet handed out.
  std::uint64_t remaining() const noexcept { return remaining_; }
  /// True when every task has been handed out.
  bool is_exhausted() const noexcept { return remaining_ == 0; }
  /// Size the next chunk would have, ignoring range boundaries (0 when exhausted).
  std::uint64_t next_chunk_size() const noexcept;
  /// Drops every task not yet handed out (a graceful stop: they stay pending).
  void clear() noexcept;

 private:
  std::vector<TaskRange> ranges_;
  std::size_t current_ = 0;  // index into ranges_ of the first range with tasks left
  std::uint64_t remaining_ = 0;
  GuidedSchedule schedule_;
};

}  // namespace simorch
