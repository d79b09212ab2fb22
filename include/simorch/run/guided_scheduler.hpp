#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "simorch/study/make_task.hpp"

namespace simorch {

/// Chunk-size bounds and the parallelism the guided rule divides by.
struct GuidedSchedule {
  std::uint64_t total_threads = 1;  ///< pool threads over all ranks
  std::uint64_t min_chunk = 1;      ///< smallest chunk (unless fewer tasks remain in a range)
  std::uint64_t max_chunk = 4096;   ///< largest chunk
  /// Chunk sizes round up to a multiple of this (the batch kernel's width) unless that
  /// exceeds max_chunk, so a chunk fills whole batches.
  std::uint64_t granule = 1;
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

  /// With a filter, next() hands out only chunks that begin and end with a needed task:
  /// unneeded tasks before and after them are skipped (take_skipped() returns them) and
  /// never run; unneeded tasks between needed ones of a chunk run with it (a chunk is
  /// one id range; docs/study-file.md, "Stopping at a precision"). Rank 0: the stop rule.
  void set_filter(std::function<bool(std::uint64_t)> is_needed) {
    is_needed_ = std::move(is_needed);
  }
  /// The tasks skipped since the last call, as ranges.
  std::vector<TaskRange> take_skipped() { return std::exchange(skipped_, {}); }

 private:
  void skip_unneeded();

  std::vector<TaskRange> ranges_;
  std::size_t current_ = 0;  // index into ranges_ of the first range with tasks left
  std::uint64_t remaining_ = 0;
  GuidedSchedule schedule_;
  std::function<bool(std::uint64_t)> is_needed_;
  std::vector<TaskRange> skipped_;
};

}  // namespace simorch
