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
#include "simorch/h5/file.hpp"
#include "simorch/study/study_plan.hpp"

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
  /// Writes rows sorted by id (one hyperslab per contiguous run of ids) and marks them done.
  void write_rows(const TaskSummary* rows, std::size_t count, const double* states,
                  const double* controls);
  /// Appends one results record of `count` rows with their trajectories.
  void journal_results(const TaskSummary* rows, std::size_t count, const double* states,
                       const double* controls);
};

}  // namespace simorch::io_detail
