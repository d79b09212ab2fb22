#include "recovery.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/error.hpp"

namespace simorch::io_detail {
namespace {

constexpr const char* resume_operation = "resume batch file";

[[noreturn]] void study_mismatch(const WriterState& s, const std::string& stored,
                                 const std::string& where) {
  throw ConfigError("study", s.hash,
                    "the study differs from the one stored in " + where + " (study_hash " + stored +
                        "); resume with the same study, or use --force to start over");
}

// Reads the journal header; nullopt when the journal is absent or has no intact header.
std::optional<JournalHeader> read_journal_header(const WriterState& s) {
  std::error_code ec;
  if (!std::filesystem::exists(s.files.journal, ec)) {
    return std::nullopt;
  }
  JournalReader reader(s.files.journal);
  JournalRecord record;
  if (!reader.next(record) || record.type != RecordType::header) {
    return std::nullopt;
  }
  try {
    return decode_header(record.payload);
  } catch (const JournalFormatError& e) {
    throw IoError(s.files.journal.string(), "read journal", e.what, true);
  }
}

struct StoredState {
  std::string study_hash;
  std::string run_state;
};

// The root attributes that decide a resume; refuses a foreign file and any other
// format_version with one line (rows of another layout cannot be continued).
StoredState read_stored_state(const WriterState& s, const h5::File& file) {
  const std::string path = s.files.h5.string();
  const auto version = check_batch_format(file, path, resume_operation);
  if (version != batch_format_version) {
    throw IoError(path, resume_operation,
                  "written with format_version " + std::to_string(version) +
                      ", and this simorch continues only format_version " +
                      std::to_string(batch_format_version) +
                      " files; finish it with the simorch that started it, or use --force to "
                      "start over",
                  true);
  }
  return {h5::read_string_attribute(file, "study_hash"),
          h5::read_string_attribute(file, "run_state")};
}

// What the file says, or why it does not open (a kill during a metadata write).
struct FileProbe {
  std::optional<StoredState> stored;
  std::string open_error;
};

FileProbe probe_file(const WriterState& s) {
  FileProbe probe;
  if (!h5::is_hdf5(s.files.h5)) {
    probe.open_error = "not an HDF5 file";
    return probe;
  }
  try {
    auto file = h5::File::open(s.files.h5, h5::FileAccess::read_only);
    probe.stored = read_stored_state(s, file);
    file.close();
  } catch (const IoError& e) {
    // A lock held elsewhere, or a readable file refused for its format, is the answer;
    // any other failure means the file is damaged and the journal may repair it.
    if (h5::is_locking_error(e) || e.operation() == resume_operation) {
      throw;
    }
    // Keep HDF5's reason, not the file name and operation a second time.
    const std::string what = e.what();
    const std::string prefix = e.file() + ": " + e.operation() + " failed: ";
    probe.open_error =
        what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
  }
  return probe;
}

void replay_results(WriterState& s, const ResultsPayload& results) {
  const auto k = static_cast<std::size_t>(s.num_samples);
  const bool has_trajectories = !results.states.empty();
  // Records were written sorted and deduplicated; rows already present are skipped so
  // the replay is idempotent.
  std::size_t i = 0;
  const std::size_t m = results.summaries.size();
  while (i < m) {
    if (results.summaries[i].task_id >= s.n_tasks) {
      throw JournalFormatError{"task id outside the study"};
    }
    if (s.done.contains(results.summaries[i].task_id)) {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < m && results.summaries[j].task_id == results.summaries[j - 1].task_id + 1 &&
           !s.done.contains(results.summaries[j].task_id)) {
      ++j;
    }
    s.write_rows(&results.summaries[i], j - i,
                 has_trajectories ? &results.states[i * k * 6] : nullptr,
                 has_trajectories ? &results.controls[i * k] : nullptr);
    i = j;
  }
}

struct Replay {
  std::uint64_t valid_end = 0;
  std::int32_t next_segment = 0;
};

// Applies every intact journal record the open file lacks (rows by task id, timing by
// segment index); stops at the first torn or corrupt record.
Replay replay_journal(WriterState& s, std::int32_t segments_in_file) {
  Replay out;
  std::vector<char> has_segment;
  for (const auto index : s.datasets->segment_indices()) {
    if (index >= 0) {
      has_segment.resize(std::max(has_segment.size(), static_cast<std::size_t>(index) + 1), 0);
      has_segment[static_cast<std::size_t>(index)] = 1;
    }
  }
  out.next_segment = segments_in_file;
  JournalReader reader(s.files.journal);
  JournalRecord record;
  try {
    while (reader.next(record)) {
      switch (record.type) {
        case RecordType::results:
          replay_results(s, decode_results(record.payload));
          break;
        case RecordType::segment_start: {
          const auto start = decode_segment_start(record.payload);
          out.next_segment = std::max(out.next_segment, start.segment + 1);
          break;
        }
        case RecordType::segment_timing: {
          const auto timing = decode_timing(record.payload);
          const auto index = static_cast<std::size_t>(std::max(timing.segment, 0));
          if (index >= has_segment.size() || has_segment[index] == 0) {
            s.datasets->append_segment(timing);
            has_segment.resize(std::max(has_segment.size(), index + 1), 0);
            has_segment[index] = 1;
          }
          out.next_segment = std::max(out.next_segment, timing.segment + 1);
          break;
        }
        case RecordType::header:
        case RecordType::clean_close:
          break;
        default:
          throw JournalFormatError{"unknown record type " +
                                   std::to_string(static_cast<std::uint32_t>(record.type))};
      }
    }
  } catch (const JournalFormatError& e) {
    throw IoError(s.files.journal.string(), "replay journal", e.what, true);
  }
  out.valid_end = reader.valid_end();
  return out;
}

// The file was not closed cleanly (or is missing): build a new one from the journal
// alone, beside the old one, and move it into place.
void rebuild(WriterState& s, const JournalHeader& header) {
  if (header.n_tasks != s.n_tasks || header.num_samples != s.num_samples) {
    study_mismatch(s, header.study_hash, s.files.journal.string());
  }
  const auto tmp = OutputFiles::temporary(s.files.h5, "rebuild");
  Replay replay;
  try {
    {
      auto file = h5::File::create(tmp, true);
      create_batch_file(file, s.plan, plan_identity(s.plan, header.created));
      file.close();
    }
    s.datasets.emplace(h5::File::open(tmp, h5::FileAccess::read_write), s.plan);
    replay = replay_journal(s, 0);
    s.datasets->rebuild_errors();
    s.datasets->set_state(run_state::running, s.done.count());
    s.datasets->close();
    s.datasets.reset();
    rename_or_throw(tmp, s.files.h5);
    sync_directory(s.files.folder());
  } catch (...) {
    s.datasets.reset();
    remove_quietly(tmp);
    throw;
  }
  s.journal = JournalWriter::append_to(s.files.journal, replay.valid_end);
  s.open_datasets();
  s.segment = replay.next_segment;
  s.start_segment();
}

// Journals every done row of the open (clean) file and its timing, in blocks.
void copy_file_into_journal(WriterState& s) {
  constexpr std::uint64_t block = 4096;
  const auto k = static_cast<std::size_t>(s.num_samples);
  std::vector<TaskSummary> rows;
  std::vector<double> states;
  std::vector<double> controls;
  std::vector<TaskSummary> done_rows;
  std::vector<double> done_states;
  std::vector<double> done_controls;
  for (std::uint64_t first = 0; first < s.n_tasks; first += block) {
    const std::uint64_t count = std::min(block, s.n_tasks - first);
    s.datasets->read_run(first, count, rows, states, controls);
    done_rows.clear();
    done_states.clear();
    done_controls.clear();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].status == TaskStatus::pending) {
        continue;
      }
      done_rows.push_back(rows[i]);
      if (k > 0) {
        done_states.insert(done_states.end(), &states[i * k * 6], &states[(i + 1) * k * 6]);
        done_controls.insert(done_controls.end(), &controls[i * k], &controls[(i + 1) * k]);
      }
    }
    if (!done_rows.empty()) {
      s.block.assign(done_rows.data(), done_rows.size());
      s.journal_block(s.block, k > 0 ? done_states.data() : nullptr,
                      k > 0 ? done_controls.data() : nullptr);
    }
  }
  for (const auto& timing : s.datasets->read_segments()) {
    s.journal.append(RecordType::segment_timing, {encode_timing(timing)});
  }
  s.journal.sync();
}

// A cleanly closed file: add whatever the journal holds beyond it, then go on.
void continue_clean(WriterState& s, const std::optional<JournalHeader>& header, bool is_ours) {
  s.open_datasets(h5::FileAccess::read_only);
  s.datasets->load_done(s.done.words());
  s.done.recount();
  auto segments = static_cast<std::int32_t>(s.datasets->num_segment_rows());
  for (const auto index : s.datasets->segment_indices()) {
    segments = std::max(segments, index + 1);
  }

  const bool is_finished_without_journal = !is_ours && s.done.is_full();
  if (!is_finished_without_journal) {
    s.open_datasets(h5::FileAccess::read_write);
    // Marked before the first change, so a kill from here on sends the next resume to
    // the journal instead of to a half-updated file that claims to be clean.
    s.datasets->set_state(run_state::running, s.done.count());
    s.datasets->flush();
  }
  if (is_ours) {
    const auto replay = replay_journal(s, segments);
    segments = std::max(segments, replay.next_segment);
    s.journal = JournalWriter::append_to(s.files.journal, replay.valid_end);
  } else {
    if (is_finished_without_journal) {
      // Finished and its journal retired: nothing to write, so touch nothing (the file
      // stays open read-only).
      s.segment = segments;
      s.is_noop = true;
      return;
    }
    if (header) {
      throw IoError(s.files.journal.string(), resume_operation,
                    "the journal belongs to another study than " + s.files.h5.filename().string() +
                        "; move it away to continue",
                    true);
    }
    s.start_new_journal();
    // The journal is the one source a rebuild reads: it must hold the rows already in
    // the file too, or a crash from now on would lose them.
    if (s.done.count() > 0) {
      copy_file_into_journal(s);
    }
  }
  s.segment = segments;
  s.start_segment();
}

}  // namespace

void resume_output(WriterState& s) {
  s.files.remove_stale_temporaries();
  std::error_code ec;
  const bool has_file = std::filesystem::exists(s.files.h5, ec);
  // The file's format first: a file of another format_version is refused before its
  // journal (of that version too) is read.
  const FileProbe probe = has_file ? probe_file(s) : FileProbe{};
  const auto header = read_journal_header(s);
  if (!has_file) {
    if (!header) {
      remove_quietly(s.files.journal);  // a journal without a header holds nothing
      s.create_fresh();                 // --resume of a study never started starts it
      return;
    }
    // A journal alone: a kill between the two renames of a create, or a deleted file.
    if (header->study_hash != s.hash) {
      study_mismatch(s, header->study_hash, s.files.journal.string());
    }
    rebuild(s, *header);
    return;
  }
  if (probe.stored && probe.stored->study_hash != s.hash) {
    study_mismatch(s, probe.stored->study_hash, s.files.h5.string());
  }
  const bool is_ours = header && header->study_hash == s.hash;
  if (!probe.stored) {
    // Unreadable: a kill during a metadata write. Only the journal can say what it held.
    if (!is_ours) {
      throw IoError(s.files.h5.string(), resume_operation,
                    probe.open_error + (header ? " (its journal belongs to another study)"
                                               : " (and there is no journal to rebuild it from)"),
                    true);
    }
    rebuild(s, *header);
    return;
  }
  if (probe.stored->run_state == run_state::running) {
    if (!is_ours) {
      throw IoError(s.files.h5.string(), resume_operation,
                    "the file was not closed cleanly (run_state 'running') and its journal " +
                        s.files.journal.filename().string() +
                        (header ? " belongs to another study" : " is missing") +
                        ": its rows cannot be trusted; use --force to start over",
                    true);
    }
    rebuild(s, *header);
    return;
  }
  continue_clean(s, header, is_ours);
}

}  // namespace simorch::io_detail
