#pragma once

// The HDF5 half of BatchWriter::write, on a thread of its own. The calling thread
// transposes a block, journals it and regenerates the first part of its /tasks rows; this
// stage regenerates the rest and writes the block's HDF5 rows while the caller already
// prepares the next one. The two halves take about the same time, so they overlap instead
// of adding up (bench/README.md, "Writer ingest").
//
// The journal record of a block is written before the block is queued, so every write()
// that returned is in the journal whatever happens to the HDF5 rows (docs/resume.md).
// Only this stage's thread calls HDF5 while blocks are queued; the writer calls it only
// after drain(), so HDF5 (not thread-safe in Debian's serial build) is never entered twice.

#include <array>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "row_block.hpp"
#include "task_inputs.hpp"

namespace simorch::io_detail {

/// One block on its way to the HDF5 file.
struct PendingRows {
  RowBlock block;
  TaskInputs inputs;
  std::size_t inputs_done = 0;   ///< rows [0, inputs_done) of `inputs` are filled
  std::vector<double> states;    ///< size()·K·6, block order; empty without trajectories
  std::vector<double> controls;  ///< size()·K
};

class RowWriteStage {
 public:
  using Write = std::function<void(PendingRows&)>;

  explicit RowWriteStage(Write write);
  /// Writes what is queued, then stops; an error is dropped (the file keeps run_state
  /// "running" and the journal holds every block).
  ~RowWriteStage();
  RowWriteStage(const RowWriteStage&) = delete;
  RowWriteStage& operator=(const RowWriteStage&) = delete;

  /// The slot to fill next; waits while every slot is queued. Throws the error of a
  /// queued write, if one failed.
  PendingRows& next_free();
  /// Queues the slot next_free() returned.
  void submit();
  /// Waits until every queued block is written; throws the error of a queued write, if
  /// one failed (blocks queued after it are dropped).
  void drain();

 private:
  static constexpr std::size_t slots = 4;  // one being filled while one is written

  void loop();
  void throw_if_failed() const;

  Write write_;
  std::array<PendingRows, slots> rows_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t head_ = 0;    ///< the oldest queued slot
  std::size_t queued_ = 0;  ///< slots queued (the one being written included)
  bool is_stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace simorch::io_detail
