#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "simorch/io/batch_reader.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/sim/task.hpp"

namespace simorch {

/// Who writes a study, from the last segment_start record of its journal.
struct LiveWriter {
  std::string host;                   ///< empty for journals of older simorch versions
  std::int64_t pid = 0;               ///< 0 for journals of older simorch versions
  std::int32_t segment = 0;           ///< 0 for the first run, +1 per resume
  double start_unix_s = 0;            ///< when this segment's writer opened the file
  bool is_open = false;               ///< the segment has not closed (running, or killed)
  bool is_gone = false;               ///< is_open, but no process `pid` on this host (killed)
  bool is_checkable = false;          ///< the writer runs on this host, so is_gone is known
  std::uint64_t done_in_segment = 0;  ///< tasks this segment has finished so far
  double read_unix_s = 0;             ///< when the journal was read
};

/// A consistent view of a study that a run is writing, read from its write-ahead journal
/// (FILE.journal) without any lock: the writer never waits for it (docs/resume.md,
/// "Reading a running study"). It holds every task up to the last intact record (a
/// record being appended is not seen yet), so status and metrics agree with each other.
///
/// The same read interface as BatchReader, so `simorch report` computes the same figures
/// from either. One thread at a time.
class LiveReader {
 public:
  /// Reads `batch_file`'s journal. IoError (bad input) when there is none or it is not a
  /// simorch journal.
  explicit LiveReader(const std::filesystem::path& batch_file);

  /// True when `batch_file` has a journal whose last segment has not closed: a run is
  /// writing it (or was killed while writing it).
  static bool is_being_written(const std::filesystem::path& batch_file);

  const std::filesystem::path& path() const noexcept { return path_; }
  const BatchInfo& info() const noexcept { return info_; }
  const LiveWriter& writer() const noexcept { return writer_; }
  std::vector<TaskStatus> status() const { return status_; }
  std::vector<std::uint8_t> success() const { return success_; }
  bool has_column(std::string_view name) const;
  /// A summary column (the metrics, steps, integrator_steps, rejected_steps,
  /// wall_time_s); NaN for tasks not finished yet.
  std::vector<double> column(std::string_view name) const;
  std::vector<TaskErrorRecord> errors() const { return errors_; }
  /// Segments that closed before this one, with their timing.
  std::vector<SegmentTiming> timing() const { return segments_; }

 private:
  void add(const TaskSummary& summary);

  std::filesystem::path path_;
  BatchInfo info_;
  LiveWriter writer_;
  std::vector<TaskStatus> status_;
  std::vector<std::uint8_t> success_;
  std::vector<double> values_;  // per task, one value per live column (schema order)
  std::vector<TaskErrorRecord> errors_;
  std::vector<SegmentTiming> segments_;
};

}  // namespace simorch
