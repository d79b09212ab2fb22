#pragma once

// What the writer holds open for one output, and the steps that creating a file and
// recovering one share: a fresh file and journal moved into place, a new journal, a
// segment start, rows written at row = task id. BatchWriter (writing, closing, the
// create/resume/force policy) and recovery.cpp (resume) work on it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "batch_datasets.hpp"
#include "done_set.hpp"
#include "journal.hpp"
#include "output_files.hpp"
#include "row_block.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/study/study_plan.hpp"
#include "task_inputs.hpp"

namespace simorch::io_detail {

struct WriterState {
  WriterState(const std::filesystem::path& path, const StudyPlan& plan);

  OutputFiles files;
  const StudyPlan& plan;
  std::string hash;  ///< plan.hash() (a plain study's study_hash)
  std::uint64_t n_tasks;
  std::int64_t num_samples;
  DoneSet done;
  std::int32_t segment = 0;
  /// A finished file resumed without writes: open read-only, no journal yet.
  bool is_noop = false;
  /// Whether the file has /tasks/params.
  bool with_params;
  /// The rows of a recovery's write (journal record and HDF5 rows alike); the writer's
  /// own writes go through its RowWriteStage.
  RowBlock block;
  TaskInputs inputs;
  std::optional<BatchDatasets> datasets;
  JournalLock lock;  // declared before journal: released after it closes
  JournalWriter journal;

  /// The header record of a journal of this study.
  JournalHeader journal_header(const std::string& created) const;
  /// (Re)opens the file's datasets; one handle per file, as HDF5 refuses a second open in
  /// another mode.
  void open_datasets(h5::FileAccess access = h5::FileAccess::read_write);
  /// A new file and journal built beside the target and moved into place (journal first)
  /// only when complete, so a failure never clobbers an existing result; then a segment
  /// starts.
  void create_fresh();
  /// Replaces the journal by a new one holding only its header (locked, moved into place).
  void start_new_journal();
  /// Journals a segment_start record and marks the file running.
  void start_segment();
  /// Writes rows sorted by id through `block` (one hyperslab per column per contiguous
  /// run of ids) and marks them done; `states`/`controls` in row order, or null.
  void write_rows(const TaskSummary* rows, std::size_t count, const double* states,
                  const double* controls);
  /// Appends `rows` with its trajectories as one results record.
  void journal_block(RowBlock& rows, const double* states, const double* controls);
  /// Marks the tasks of `rows` done.
  void mark_done(const RowBlock& rows);
};

}  // namespace simorch::io_detail
