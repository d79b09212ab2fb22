#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "simorch/io/run_timing.hpp"
#include "simorch/sim/task.hpp"
#include "simorch/study/make_task.hpp"
#include "simorch/study/study.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch {

/// How BatchWriter treats an existing output file.
enum class OpenMode {
  create,            ///< refuse an existing file (IoError, bad input)
  create_overwrite,  ///< replace an existing file, but only once the new one is set up
  resume,            ///< continue the file; repair it from its journal after a crash
};

/// The streaming writer of one batch file (docs/hdf5-schema.md, docs/resume.md).
///
/// Rank 0 only, one thread only: the one owner of the HDF5 file. Every result is first
/// appended to a checksummed journal beside the file (OUT.h5.journal) and then written
/// to the HDF5 file at row = task id, so a `kill -9` at any moment loses nothing that
/// reached the journal; `OpenMode::resume` rebuilds the HDF5 file from the journal when
/// the last writer did not close it. Memory does not grow with the number of tasks
/// beyond one bit per task.
class BatchWriter {
 public:
  /// Opens `path` for `study`. For resume, refuses a file of another study (hash
  /// mismatch), a foreign or newer-format file, with ConfigError/IoError (bad input).
  /// `study` must outlive the writer (rows of /tasks are regenerated from it on every
  /// write). Resume of a missing file (and journal) starts the study; resume of a
  /// finished file whose journal is gone writes nothing (docs/resume.md).
  BatchWriter(const std::filesystem::path& path, const StudyPlan& plan, OpenMode mode);
  /// A study without cases and grid (StudyPlan::single, owned by the writer).
  BatchWriter(const std::filesystem::path& path, const Study& study, OpenMode mode);
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  /// Tasks not yet finished, as sorted disjoint ranges (all tasks for a new file).
  std::vector<TaskRange> pending() const;
  /// Tasks finished so far (any status but pending), across all segments.
  std::uint64_t num_done() const noexcept;
  /// Index of the segment this writer records (0 for a new file).
  std::int32_t segment() const noexcept;
  /// Timing of the segments finished before this one (what /timing/segments holds).
  std::vector<SegmentTiming> previous_segments() const;

  /// Records finished tasks. `states` holds num_samples·6 doubles and `controls`
  /// num_samples doubles per summary, in summary order (empty without trajectories).
  /// A task already recorded is ignored (at-most-once rows after a resume).
  void write(std::span<const TaskSummary> summaries, std::span<const double> states = {},
             std::span<const double> controls = {});
  /// Calls `visit(id, status, success)` for every finished task, in id order (rank 0
  /// rebuilds a stopping rule's state from the file on --resume).
  void for_each_done(const std::function<void(std::uint64_t, TaskStatus, bool)>& visit) const;
  /// Makes everything written so far durable (journal fsync, HDF5 flush).
  void checkpoint();
  /// Records the timing of this segment (its `segment` field is set to segment()),
  /// rewrites /results/errors in task order, flushes and closes both files. run_state
  /// becomes "complete" when every task is done (the journal is then removed), else
  /// "interrupted". Further calls do nothing. Destroying the writer without close()
  /// leaves run_state "running", so the next resume rebuilds the file from the journal.
  void close(const SegmentTiming& timing);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simorch
