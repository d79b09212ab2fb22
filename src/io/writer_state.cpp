#include "writer_state.hpp"

#include <chrono>
#include <system_error>

#include "simorch/error.hpp"

namespace simorch::io_detail {
namespace {

std::span<const std::byte> bytes_of(const void* data, std::size_t size) {
  return {static_cast<const std::byte*>(data), size};
}

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
      done(p.num_tasks()) {}

JournalHeader WriterState::journal_header(const std::string& created) const {
  JournalHeader h;
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
  const auto k = static_cast<std::size_t>(num_samples);
  std::size_t begin = 0;
  while (begin < count) {
    std::size_t end = begin + 1;
    while (end < count && rows[end].task_id == rows[end - 1].task_id + 1) {
      ++end;
    }
    datasets->write_run(&rows[begin], end - begin,
                        states == nullptr ? nullptr : states + begin * k * 6,
                        controls == nullptr ? nullptr : controls + begin * k);
    begin = end;
  }
  for (std::size_t i = 0; i < count; ++i) {
    done.insert(rows[i].task_id);
  }
}

void WriterState::journal_results(const TaskSummary* rows, std::size_t count, const double* states,
                                  const double* controls) {
  const auto k = static_cast<std::size_t>(num_samples);
  const auto prefix = encode_results_prefix(count, num_samples);
  journal.append(RecordType::results,
                 {prefix, bytes_of(rows, count * sizeof(TaskSummary)),
                  bytes_of(states, states == nullptr ? 0 : count * k * 6 * sizeof(double)),
                  bytes_of(controls, controls == nullptr ? 0 : count * k * sizeof(double))});
}

}  // namespace simorch::io_detail
