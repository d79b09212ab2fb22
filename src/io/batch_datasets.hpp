#pragma once

// The HDF5 side of a batch file, driven by the schema (simorch/io/batch_schema.hpp):
// creating the datasets, writing and reading rows at row = task id, the timing tables and
// the errors table. Used by the writer and its recovery only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "row_block.hpp"
#include "simorch/h5/dataset.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/io/batch_schema.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/sim/task.hpp"
#include "simorch/study/study_plan.hpp"
#include "task_inputs.hpp"

namespace simorch::io_detail {

/// Identity attributes written at creation.
struct FileIdentity {
  std::string study_hash;
  std::string study_canonical;
  std::string created;
};

/// Creates every group, dataset and root attribute of an empty batch file for `plan`
/// (run_state "running", tasks_done 0), with its /cases and /grid.
void create_batch_file(const h5::File& file, const StudyPlan& plan, const FileIdentity& identity);

/// The identity of a new file of `plan` created at `created`.
FileIdentity plan_identity(const StudyPlan& plan, std::string created);

/// Checks the root attributes `format` and `format_version` of `file` (the one check the
/// writer and BatchReader share): IoError (bad input), one line naming what was found and
/// what is allowed, for a foreign file or a format_version outside [1, newest]. Returns
/// the format_version.
std::int32_t check_batch_format(const h5::File& file, const std::string& path,
                                const std::string& operation);

/// Open handles of every dataset of a batch file, plus reusable row buffers.
class BatchDatasets {
 public:
  BatchDatasets(h5::File file, const StudyPlan& plan);

  /// Writes the rows of `block`, one hyperslab per column per run of consecutive ids:
  /// summaries, their trajectories (block order, size()·K·6 and size()·K doubles, or null
  /// without trajectories) and the /tasks rows of `inputs`; status last per run.
  void write_block(const RowBlock& block, const TaskInputs& inputs, const double* states,
                   const double* controls);
  /// Appends one segment's rows to /timing/segments, ranks and threads and sets the
  /// /timing attributes.
  void append_segment(const SegmentTiming& timing);
  /// Number of rows in /timing/segments.
  std::uint64_t num_segment_rows() const;
  /// Segment indices present in /timing/segments.
  std::vector<std::int32_t> segment_indices() const;
  /// Reads rows [first, first+count) back into summaries (task_id set, status pending
  /// for rows never written) and, with trajectories, count·K·6 states and count·K
  /// controls. Used to journal the rows of a cleanly closed file.
  void read_run(std::uint64_t first, std::uint64_t count, std::vector<TaskSummary>& summaries,
                std::vector<double>& states, std::vector<double>& controls);
  /// Every segment recorded in /timing, with its rank and thread rows.
  std::vector<SegmentTiming> read_segments() const;
  /// Marks every done task in `done` (bitset words) from /results/status, in blocks.
  void load_done(std::vector<std::uint64_t>& done) const;
  /// Calls `visit(id, status, success)` for every task whose status is not pending, in id
  /// order, reading in blocks (rank 0 rebuilds a stopping rule's state on resume).
  void for_each_done(const std::function<void(std::uint64_t, TaskStatus, bool)>& visit) const;
  /// Rewrites /results/errors from /results/status and /results/message, in task order.
  void rebuild_errors();
  /// Sets run_state and tasks_done.
  void set_state(std::string_view run_state, std::uint64_t tasks_done);
  void flush() { file_.flush(); }
  /// Releases every handle and closes the file (checked).
  void close();

 private:
  /// One open per-task dataset of source summary.
  struct SummaryColumn {
    const ColumnSpec* spec = nullptr;
    h5::Dataset dataset;
    h5::Datatype mem_type;
    std::size_t row_bytes = 0;
  };
  void write_text(SummaryColumn& c, const RowBlock::SparseColumn& text, const RowBlock::Run& run);
  void write_task_inputs(const TaskInputs& inputs, const RowBlock::Run& run);
  SummaryColumn& status() { return columns_[status_index_]; }
  const SummaryColumn& status() const { return columns_[status_index_]; }
  const SummaryColumn& message() const { return texts_.at(0); }

  h5::File file_;
  const StudyPlan* plan_;
  std::uint64_t n_tasks_;
  std::int64_t num_samples_;
  bool has_params_;
  std::size_t num_axes_;

  std::vector<SummaryColumn> columns_;  ///< numeric, as dense_summary_columns()
  std::vector<SummaryColumn> texts_;    ///< text, as sparse_summary_columns()
  std::size_t status_index_ = 0;
  h5::Dataset initial_state_, params_, traj_state_, traj_control_;
  h5::Dataset sample_, case_, grid_point_, grid_;
  h5::Dataset errors_, segments_, ranks_, threads_;
  h5::Datatype t_double_;

  // Row buffers, kept between writes (bounded by the largest run).
  std::vector<std::byte> bytes_;
};

/// Whether /tasks/params is written: some case or grid point samples or changes the plant.
bool has_params(const StudyPlan& plan);

}  // namespace simorch::io_detail
