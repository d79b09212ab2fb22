#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "simorch/io/batch_schema.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/sim/task.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch {

/// Root attributes of a batch file (docs/hdf5-schema.md, "Root attributes").
struct BatchInfo {
  std::string format;  ///< always "simorch-batch"
  std::int32_t format_version = 0;
  std::string simorch_version;
  std::string created;          ///< ISO 8601 UTC
  std::string study;            ///< the study YAML as given
  std::string study_canonical;  ///< every resolved setting that determines the results
  std::string study_hash;       ///< 16 hex digits of the canonical study
  std::uint64_t seed = 0;
  std::uint64_t n_tasks = 0;
  std::string model;
  std::string controller;
  std::string integrator;
  double dt = 0;
  double duration = 0;
  std::int64_t save_every = 0;  ///< 0: no trajectories
  std::string run_state;        ///< "running", "interrupted" or "complete"
  std::uint64_t tasks_done = 0;

  /// True when the writer finished (run_state complete) and no task is pending.
  bool is_complete() const noexcept {
    return run_state == simorch::run_state::complete && tasks_done == n_tasks;
  }
};

/// One row of /results/errors: why a task failed.
struct TaskErrorRecord {
  std::uint64_t task_id = 0;
  TaskStatus status = TaskStatus::error;
  std::string message;
};

/// Where every task of a file sits among the study's cases and grid points
/// (docs/hdf5-schema.md: /cases, /grid, /tasks/case, /tasks/sample, /tasks/grid_point).
struct TaskLayout {
  std::vector<std::string> case_names;    ///< /cases `name`, in file order
  std::vector<GridAxis> axes;             ///< /grid/axis<a>; empty without a grid
  std::vector<std::int32_t> case_index;   ///< per task: its row of /cases
  std::vector<std::uint64_t> sample;      ///< per task: its sample index
  std::vector<std::uint64_t> grid_point;  ///< per task: its grid point (row-major)
};

/// Reads a batch file (docs/hdf5-schema.md) as a user would, for `simorch report` and
/// `simorch scaling`. Opens read-only and checks the root attributes on construction;
/// columns are read on request, whole, so memory is one column at a time.
///
/// Partial files are fine: a file of an interrupted or killed run reads like any other,
/// with pending rows and fewer (or no) /timing segments. A file that is not a simorch
/// batch file, or one of a newer format_version, throws IoError with is_bad_input(), as
/// does a batch file whose layout does not match the schema. One thread at a time (HDF5).
class BatchReader {
 public:
  /// Opens `path` and reads its root attributes.
  explicit BatchReader(const std::filesystem::path& path);
  ~BatchReader();
  BatchReader(BatchReader&&) noexcept;
  BatchReader& operator=(BatchReader&&) noexcept;
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;

  /// The file this reader reads.
  const std::filesystem::path& path() const noexcept;
  /// Root attributes.
  const BatchInfo& info() const noexcept;

  /// /results/status, one entry per task; throws IoError for a value outside the enum.
  std::vector<TaskStatus> status() const;
  /// /results/success (1 when completed and settled).
  std::vector<std::uint8_t> success() const;
  /// True when /results holds a dataset `name`.
  bool has_column(std::string_view name) const;
  /// A 1-D numeric /results dataset (a metric, steps, rank, wall_time_s, ...) as doubles.
  /// A schema column the file predates (an older format_version) reads as its fill value.
  std::vector<double> column(std::string_view name) const;
  /// /results/errors; empty when the file has none.
  std::vector<TaskErrorRecord> errors() const;
  /// Every recorded run segment with its rank and thread rows, in segment order; empty
  /// when no segment ended with its timing written (e.g. the only run was killed -9).
  std::vector<SegmentTiming> timing() const;
  /// The cases, grid axes and per-task coordinates; a file older than format_version 3
  /// reads as one case "base" without a grid, sample = task id.
  TaskLayout task_layout() const;
  /// True when the file holds /trajectories.
  bool has_trajectories() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace simorch
