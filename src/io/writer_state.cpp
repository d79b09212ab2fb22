#include "writer_state.hpp"

#include <chrono>
#include <system_error>

#include "simorch/error.hpp"

namespace simorch::io_detail {
namespace {

std::uint64_t size_of(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    throw IoError(path.string(), "stat journal", ec.message());
  }
  return size;
}

}  // namespace

WriterState::WriterState(const std::filesystem::path& path, const StudyPlan& p)
    : files(path),
      plan(p),
      hash(p.hash()),
      n_tasks(p.num_tasks()),
      num_samples(p.base().sim.num_samples()),
      done(p.num_tasks()),
      with_params(has_params(p)) {}

JournalHeader WriterState::journal_header(const std::string& created) const {
  JournalHeader h;
  h.row_layout = row_layout_id();
  h.n_tasks = n_tasks;
  h.num_samples = num_samples;
  h.study_hash = hash;
  h.created = created;
  h.study_text = plan.base().text;
  h.study_canonical = plan.canonical_text();
  return h;
}

void WriterState::open_datasets(h5::FileAccess access) {
  datasets.reset();
  datasets.emplace(h5::File::open(files.h5, access), plan);
}

void WriterState::create_fresh() {
  const std::string created = iso_utc_now();
  const auto tmp_h5 = OutputFiles::temporary(files.h5, "tmp");
  const auto tmp_journal = OutputFiles::temporary(files.journal, "tmp");
  try {
    {
      auto file = h5::File::create(tmp_h5, true);
      create_batch_file(file, plan, plan_identity(plan, created));
      file.close();
    }
    auto new_journal = JournalWriter::create(tmp_journal);
    auto new_lock = JournalLock::acquire(tmp_journal);
    new_journal.append(RecordType::header, {encode_header(journal_header(created))});
    new_journal.sync();
    new_journal = JournalWriter();
    // Journal first: a crash between the renames leaves a journal without its file (the
    // next --resume rebuilds the file from it) or, over an old output, the old file with
    // a journal of the new study, which --resume refuses or ignores, never mixes.
    rename_or_throw(tmp_journal, files.journal);
    lock = std::move(new_lock);  // the lock moves with the file; the old journal is gone
    fault_point("create:between_renames");
    rename_or_throw(tmp_h5, files.h5);
    sync_directory(files.folder());
  } catch (...) {
    remove_quietly(tmp_h5);
    remove_quietly(tmp_journal);
    throw;
  }
  segment = 0;
  journal = JournalWriter::append_to(files.journal, size_of(files.journal));
  open_datasets();
  start_segment();
}

void WriterState::start_new_journal() {
  const auto tmp = OutputFiles::temporary(files.journal, "tmp");
  JournalLock new_lock;
  {
    auto new_journal = JournalWriter::create(tmp);
    new_lock = JournalLock::acquire(tmp);
    new_journal.append(RecordType::header, {encode_header(journal_header(iso_utc_now()))});
    new_journal.sync();
  }
  rename_or_throw(tmp, files.journal);
  lock = std::move(new_lock);
  journal = JournalWriter::append_to(files.journal, size_of(files.journal));
}

void WriterState::start_segment() {
  const auto encoded = encode_segment_start(segment_start_here(segment, unix_now()));
  journal.append(RecordType::segment_start, {encoded});
  journal.sync();
  datasets->set_state(run_state::running, done.count());
  datasets->flush();
}

void WriterState::write_rows(const TaskSummary* rows, std::size_t count, const double* states,
                             const double* controls) {
  block.assign(rows, count);
  inputs.compute(plan, block, with_params);
  datasets->write_block(block, inputs, states, controls);
  mark_done(block);
}

void WriterState::journal_block(RowBlock& rows, const double* states, const double* controls) {
  journal.append(RecordType::results, rows.journal_pieces(num_samples, states, controls));
}

void WriterState::mark_done(const RowBlock& rows) {
  for (const RowBlock::Run& run : rows.runs()) {
    for (std::uint64_t id = run.first; id < run.first + run.count; ++id) done.insert(id);
  }
}

}  // namespace simorch::io_detail
