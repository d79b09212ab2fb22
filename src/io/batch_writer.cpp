#include "simorch/io/batch_writer.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <numeric>
#include <optional>
#include <string>
#include <system_error>

#include "batch_layout.hpp"
#include "journal.hpp"
#include "simorch/error.hpp"
#include "simorch/h5/error.hpp"
#include "simorch/h5/file.hpp"
#include "simorch/io/batch_reader.hpp"

namespace simorch {
namespace {

using io_detail::BatchLayout;
using io_detail::JournalHeader;
using io_detail::JournalReader;
using io_detail::JournalRecord;
using io_detail::JournalWriter;
using io_detail::RecordType;

std::string iso_utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::filesystem::path with_suffix(const std::filesystem::path& path, const std::string& suffix) {
  return std::filesystem::path(path.string() + suffix);
}

std::span<const std::byte> bytes_of(const void* data, std::size_t size) {
  return {static_cast<const std::byte*>(data), size};
}

void remove_quietly(const std::filesystem::path& path) noexcept {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

void rename_or_throw(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) {
    throw IoError(to.string(), "move " + from.filename().string() + " into place", ec.message());
  }
}

}  // namespace

class BatchWriter::Impl {
 public:
  Impl(const std::filesystem::path& path, const Study& study, OpenMode mode)
      : path_(path),
        journal_path_(with_suffix(path, ".journal")),
        study_(study),
        hash_(study_hash(study)),
        n_tasks_(study.num_tasks()),
        num_samples_(study.sim.num_samples()),
        done_((n_tasks_ + 63) / 64, 0) {
    check_folder();
    std::error_code ec;
    if (std::filesystem::exists(journal_path_, ec)) {
      lock_ = io_detail::JournalLock::acquire(journal_path_);
    }
    switch (mode) {
      case OpenMode::create:
        refuse_existing();
        create_fresh();
        break;
      case OpenMode::create_overwrite:
        create_fresh();
        break;
      case OpenMode::resume:
        resume();
        break;
    }
  }

  ~Impl() {
    // Without close() the file keeps run_state "running": the next --resume rebuilds it
    // from the journal, which already holds every write() that returned.
    if (layout_) {
      try {
        layout_->close();
      } catch (const Error&) {
      }
    }
  }

  std::vector<TaskRange> pending() const {
    std::vector<TaskRange> out;
    std::uint64_t id = 0;
    while (id < n_tasks_) {
      // Skip whole words of done tasks: pending() is called once per segment on up to
      // millions of tasks.
      if (id % 64 == 0 && done_[id / 64] == ~std::uint64_t{0}) {
        id += 64;
        continue;
      }
      if (is_done(id)) {
        ++id;
        continue;
      }
      const std::uint64_t begin = id;
      while (id < n_tasks_ && !is_done(id)) {
        ++id;
      }
      if (!out.empty() && out.back().end == begin) {
        out.back().end = id;
      } else {
        out.push_back({begin, id});
      }
    }
    return out;
  }

  std::uint64_t num_done() const noexcept { return num_done_; }
  std::int32_t segment() const noexcept { return segment_; }

  void write(std::span<const TaskSummary> summaries, std::span<const double> states,
             std::span<const double> controls) {
    if (is_closed_) {
      throw Error("BatchWriter::write: called after close()");
    }
    throw_if_failed("write");
    const std::size_t n = summaries.size();
    const auto k = static_cast<std::size_t>(num_samples_);
    const bool has_trajectories = !states.empty() || !controls.empty();
    if (has_trajectories && (states.size() != n * k * 6 || controls.size() != n * k)) {
      throw Error("BatchWriter::write: " + std::to_string(n) + " summaries need " +
                  std::to_string(n * k * 6) + " state and " + std::to_string(n * k) +
                  " control values, got " + std::to_string(states.size()) + " and " +
                  std::to_string(controls.size()));
    }
    if (k > 0 && !has_trajectories && n > 0) {
      throw Error(
          "BatchWriter::write: the study saves trajectories (output.save_every > 0) "
          "but the write has none");
    }
    for (const auto& s : summaries) {
      if (s.task_id >= n_tasks_) {
        throw Error("BatchWriter::write: task id " + std::to_string(s.task_id) + " outside [0, " +
                    std::to_string(n_tasks_) + ")");
      }
    }

    // New tasks in id order, each once: at-most-once rows whatever the sender repeats.
    order_.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (!is_done(summaries[i].task_id)) {
        order_.push_back(i);
      }
    }
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      return summaries[a].task_id < summaries[b].task_id;
    });
    order_.erase(std::unique(order_.begin(), order_.end(),
                             [&](std::size_t a, std::size_t b) {
                               return summaries[a].task_id == summaries[b].task_id;
                             }),
                 order_.end());
    if (order_.empty()) {
      return;
    }
    if (is_noop_) {
      open_for_writing();
    }

    const TaskSummary* rows = summaries.data();
    const double* st = has_trajectories ? states.data() : nullptr;
    const double* ct = has_trajectories ? controls.data() : nullptr;
    bool is_identity = order_.size() == n;
    for (std::size_t i = 0; is_identity && i < order_.size(); ++i) {
      is_identity = order_[i] == i;
    }
    if (!is_identity) {
      gathered_.resize(order_.size());
      gathered_states_.resize(has_trajectories ? order_.size() * k * 6 : 0);
      gathered_controls_.resize(has_trajectories ? order_.size() * k : 0);
      for (std::size_t j = 0; j < order_.size(); ++j) {
        const std::size_t i = order_[j];
        gathered_[j] = summaries[i];
        if (has_trajectories) {
          std::copy_n(&states[i * k * 6], k * 6, &gathered_states_[j * k * 6]);
          std::copy_n(&controls[i * k], k, &gathered_controls_[j * k]);
        }
      }
      rows = gathered_.data();
      st = has_trajectories ? gathered_states_.data() : nullptr;
      ct = has_trajectories ? gathered_controls_.data() : nullptr;
    }
    const std::size_t m = order_.size();

    guarded([&] {
      // Journal first: once the record is in the kernel a kill -9 cannot lose it.
      const auto prefix = io_detail::encode_results_prefix(m, num_samples_);
      journal_.append(RecordType::results,
                      {prefix, bytes_of(rows, m * sizeof(TaskSummary)),
                       bytes_of(st, st == nullptr ? 0 : m * k * 6 * sizeof(double)),
                       bytes_of(ct, ct == nullptr ? 0 : m * k * sizeof(double))});
      journal_.flush();
      write_to_file(rows, m, st, ct);
    });
  }

  void checkpoint() {
    if (is_closed_ || is_noop_) {
      return;
    }
    throw_if_failed("checkpoint");
    guarded([&] {
      journal_.sync();
      layout_->set_state("running", num_done_);
      layout_->flush();
    });
  }

  void close(const SegmentTiming& timing) {
    if (is_closed_) {
      return;
    }
    is_closed_ = true;
    if (is_noop_ || is_failed_) {
      // A finished file resumed without writes stays untouched. After a failed write the
      // file may hold a partial row: it keeps run_state "running", so the next resume
      // rebuilds it from the journal.
      release_quietly();
      return;
    }
    guarded([&] { close_cleanly(timing); });
    lock_ = io_detail::JournalLock();  // a closed writer no longer owns the output
  }

 private:
  // A failure in the middle of journal or HDF5 writes leaves both files in a state only
  // a rebuild can sort out: no further writes (they would follow a torn record), and no
  // clean close.
  template <class Fn>
  void guarded(Fn&& fn) {
    try {
      fn();
    } catch (...) {
      is_failed_ = true;
      throw;
    }
  }

  void throw_if_failed(const char* what) const {
    if (is_failed_) {
      throw Error(std::string("BatchWriter::") + what + ": an earlier write to " + path_.string() +
                  " failed; fix the cause and run again with --resume");
    }
  }

  void release_quietly() noexcept {
    try {
      layout_.reset();
      journal_ = JournalWriter();
      lock_ = io_detail::JournalLock();
    } catch (...) {
    }
  }

  void close_cleanly(const SegmentTiming& timing) {
    SegmentTiming t = timing;
    t.segment = segment_;
    const auto encoded = io_detail::encode_timing(t);
    journal_.append(RecordType::segment_timing, {encoded});
    journal_.sync();

    layout_->append_segment(t);
    layout_->rebuild_errors();
    const bool is_complete = num_done_ == n_tasks_;
    layout_->set_state(is_complete ? "complete" : "interrupted", num_done_);
    layout_->close();
    layout_.reset();

    const auto marker =
        io_detail::encode_segment_start(io_detail::segment_start_here(segment_, unix_now_s()));
    journal_.append(RecordType::clean_close, {marker});
    journal_.close();
    if (is_complete) {
      // Every row is in a cleanly closed file: nothing left to recover.
      remove_quietly(journal_path_);
      io_detail::sync_directory(path_.parent_path());
    }
  }

  bool is_done(std::uint64_t id) const noexcept {
    return ((done_[id / 64] >> (id % 64)) & 1u) != 0;
  }
  void mark_done(std::uint64_t id) noexcept {
    done_[id / 64] |= std::uint64_t{1} << (id % 64);
    ++num_done_;
  }

  // Writes rows sorted by id, one hyperslab per contiguous run of ids.
  void write_to_file(const TaskSummary* rows, std::size_t m, const double* st, const double* ct) {
    const auto k = static_cast<std::size_t>(num_samples_);
    std::size_t begin = 0;
    while (begin < m) {
      std::size_t end = begin + 1;
      while (end < m && rows[end].task_id == rows[end - 1].task_id + 1) {
        ++end;
      }
      layout_->write_run(&rows[begin], end - begin, st == nullptr ? nullptr : st + begin * k * 6,
                         ct == nullptr ? nullptr : ct + begin * k);
      begin = end;
    }
    for (std::size_t i = 0; i < m; ++i) {
      mark_done(rows[i].task_id);
    }
  }

  void check_folder() const {
    const auto folder =
        path_.parent_path().empty() ? std::filesystem::path(".") : path_.parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) {
      throw IoError(path_.string(), "open batch file",
                    "output folder '" + folder.string() + "' does not exist", true);
    }
    if (::access(folder.c_str(), W_OK) != 0) {
      throw IoError(path_.string(), "open batch file",
                    "output folder '" + folder.string() + "' is not writable", true);
    }
  }

  void refuse_existing() const {
    std::error_code ec;
    for (const auto& p : {path_, journal_path_}) {
      if (std::filesystem::exists(p, ec)) {
        throw IoError(p.string(), "create batch file",
                      "the file exists; use --force to overwrite it or --resume to continue it",
                      true);
      }
    }
  }

  JournalHeader make_header(const std::string& created) const {
    JournalHeader h;
    h.n_tasks = n_tasks_;
    h.num_samples = num_samples_;
    h.study_hash = hash_;
    h.created = created;
    h.study_text = study_.text;
    h.study_canonical = canonical_text(study_);
    return h;
  }

  std::filesystem::path temp_path(const std::filesystem::path& p, const char* what) const {
    return with_suffix(p, std::string(".") + what + "-" + std::to_string(::getpid()));
  }

  // A new file and journal are set up beside the target and moved into place only when
  // complete, so a failure never clobbers an existing result.
  void create_fresh() {
    const std::string created = iso_utc_now();
    const auto tmp_h5 = temp_path(path_, "tmp");
    const auto tmp_journal = temp_path(journal_path_, "tmp");
    try {
      {
        auto file = h5::File::create(tmp_h5, true);
        io_detail::create_layout(file, study_, {hash_, canonical_text(study_), created});
        file.close();
      }
      auto journal = JournalWriter::create(tmp_journal);
      auto lock = io_detail::JournalLock::acquire(tmp_journal);
      journal.append(RecordType::header, {io_detail::encode_header(make_header(created))});
      journal.sync();
      journal = JournalWriter();
      // Journal first: a crash between the renames leaves the old file with a journal of
      // the new study, which --resume refuses or ignores, never mixes.
      rename_or_throw(tmp_journal, journal_path_);
      lock_ = std::move(lock);  // the lock moves with the file; the old journal is gone
      rename_or_throw(tmp_h5, path_);
      io_detail::sync_directory(path_.parent_path());
    } catch (...) {
      remove_quietly(tmp_h5);
      remove_quietly(tmp_journal);
      throw;
    }
    segment_ = 0;
    journal_ = JournalWriter::append_to(journal_path_, journal_size());
    open_layout();
    start_segment();
  }

  std::uint64_t journal_size() const {
    std::error_code ec;
    const auto size = std::filesystem::file_size(journal_path_, ec);
    if (ec) {
      throw IoError(journal_path_.string(), "stat journal", ec.message());
    }
    return size;
  }

  void open_layout(h5::FileAccess access = h5::FileAccess::read_write) {
    layout_.reset();  // one handle per file: HDF5 refuses a second open in another mode
    layout_.emplace(h5::File::open(path_, access), study_);
  }

  void start_segment() {
    const auto encoded =
        io_detail::encode_segment_start(io_detail::segment_start_here(segment_, unix_now_s()));
    journal_.append(RecordType::segment_start, {encoded});
    journal_.sync();
    layout_->set_state("running", num_done_);
    layout_->flush();
  }

  [[noreturn]] void study_mismatch(const std::string& stored, const std::string& where) const {
    throw ConfigError("study", hash_,
                      "the study differs from the one stored in " + where + " (study_hash " +
                          stored + "); resume with the same study, or use --force to start over");
  }

  // Reads the journal header; nullopt when the journal is absent or has no intact header.
  std::optional<JournalHeader> read_journal_header() const {
    std::error_code ec;
    if (!std::filesystem::exists(journal_path_, ec)) {
      return std::nullopt;
    }
    JournalReader reader(journal_path_);
    JournalRecord record;
    if (!reader.next(record) || record.type != RecordType::header) {
      return std::nullopt;
    }
    try {
      return io_detail::decode_header(record.payload);
    } catch (const io_detail::JournalFormatError& e) {
      throw IoError(journal_path_.string(), "read journal", e.what, true);
    }
  }

  // Files a killed writer of this output left half-built (OUT.h5.tmp-<pid>,
  // OUT.h5.rebuild-<pid>, OUT.h5.journal.tmp-<pid>) whose process is gone.
  void remove_stale_temporaries() const {
    const auto folder =
        path_.parent_path().empty() ? std::filesystem::path(".") : path_.parent_path();
    const std::string base = path_.filename().string();
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
      const std::string name = entry.path().filename().string();
      for (const char* infix : {".tmp-", ".rebuild-", ".journal.tmp-"}) {
        const std::string prefix = base + infix;
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) {
          continue;
        }
        const std::string digits = name.substr(prefix.size());
        if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) {
          continue;
        }
        const auto pid = static_cast<pid_t>(std::stol(digits));
        if (pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH) {
          remove_quietly(entry.path());
        }
      }
    }
  }

  void resume() {
    std::error_code ec;
    remove_stale_temporaries();
    const bool has_file = std::filesystem::exists(path_, ec);
    const auto header = read_journal_header();
    if (header && header->study_hash != hash_ && !has_file) {
      study_mismatch(header->study_hash, journal_path_.string());
    }
    if (!has_file) {
      if (header) {
        rebuild(*header);
      } else {
        remove_quietly(journal_path_);  // a journal without a header holds nothing
        create_fresh();                 // --resume of a study never started starts it
      }
      return;
    }

    std::optional<io_detail::StoredIdentity> stored;
    std::string open_error;
    if (!h5::is_hdf5(path_)) {
      open_error = "not an HDF5 file";
    } else {
      try {
        auto file = h5::File::open(path_, h5::FileAccess::read_only);
        stored = io_detail::read_identity(file);
        file.close();
      } catch (const IoError& e) {
        if (h5::is_locking_error(e)) {
          throw;
        }
        // Keep HDF5's reason, not the file name and operation a second time.
        const std::string what = e.what();
        const std::string prefix = e.file() + ": " + e.operation() + " failed: ";
        open_error =
            what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
      }
    }
    if (stored) {
      check_identity(*stored);
    }
    const bool is_ours = header && header->study_hash == hash_;
    if (!stored) {
      // Unreadable: a kill during a metadata write. Only the journal can say what it held.
      if (!is_ours) {
        throw IoError(path_.string(), "resume batch file",
                      open_error + (header ? " (its journal belongs to another study)"
                                           : " (and there is no journal to rebuild it from)"),
                      true);
      }
      rebuild(*header);
      return;
    }
    if (stored->run_state == "running") {
      if (!is_ours) {
        throw IoError(path_.string(), "resume batch file",
                      "the file was not closed cleanly (run_state 'running') and its journal " +
                          journal_path_.filename().string() +
                          (header ? " belongs to another study" : " is missing") +
                          ": its rows cannot be trusted; use --force to start over",
                      true);
      }
      rebuild(*header);
      return;
    }
    continue_clean(header, is_ours);
  }

  void check_identity(const io_detail::StoredIdentity& stored) const {
    if (!stored.has_format || stored.format != io_detail::batch_format) {
      throw IoError(path_.string(), "resume batch file",
                    "not a simorch batch file (root attribute 'format' is " +
                        (stored.has_format ? "'" + stored.format + "'" : std::string("missing")) +
                        ", expected 'simorch-batch')",
                    true);
    }
    if (stored.format_version > batch_format_version) {
      throw IoError(path_.string(), "resume batch file",
                    "written by a newer simorch (format_version " +
                        std::to_string(stored.format_version) + ", this simorch writes " +
                        std::to_string(batch_format_version) + ")",
                    true);
    }
    if (stored.study_hash != hash_) {
      study_mismatch(stored.study_hash, path_.string());
    }
  }

  // A cleanly closed file: add whatever the journal holds beyond it, then go on.
  void continue_clean(const std::optional<JournalHeader>& header, bool is_ours) {
    open_layout(h5::FileAccess::read_only);
    layout_->load_done(done_);
    num_done_ = 0;
    for (const auto word : done_) {
      num_done_ += static_cast<std::uint64_t>(std::popcount(word));
    }
    auto segments = static_cast<std::int32_t>(layout_->num_segment_rows());
    for (const auto s : layout_->segment_indices()) {
      segments = std::max(segments, s + 1);
    }

    const bool is_finished_without_journal = !is_ours && num_done_ == n_tasks_;
    if (!is_finished_without_journal) {
      open_layout(h5::FileAccess::read_write);
      // Marked before the first change, so a kill from here on sends the next resume to
      // the journal instead of to a half-updated file that claims to be clean.
      layout_->set_state("running", num_done_);
      layout_->flush();
    }
    if (is_ours) {
      const auto replay = replay_journal(segments);
      segments = std::max(segments, replay.next_segment);
      journal_ = JournalWriter::append_to(journal_path_, replay.valid_end);
    } else {
      if (is_finished_without_journal) {
        // Finished and its journal retired: nothing to write, so touch nothing (the file
        // stays open read-only).
        segment_ = segments;
        is_noop_ = true;
        return;
      }
      if (header) {
        throw IoError(journal_path_.string(), "resume batch file",
                      "the journal belongs to another study than " + path_.filename().string() +
                          "; move it away to continue",
                      true);
      }
      start_new_journal();
      // The journal is the one source a rebuild reads: it must hold the rows already in
      // the file too, or a crash from now on would lose them.
      if (num_done_ > 0) {
        copy_file_into_journal();
      }
    }
    segment_ = segments;
    start_segment();
  }

  void start_new_journal() {
    const std::string created = iso_utc_now();
    const auto tmp = temp_path(journal_path_, "tmp");
    io_detail::JournalLock lock;
    {
      auto journal = JournalWriter::create(tmp);
      lock = io_detail::JournalLock::acquire(tmp);
      journal.append(RecordType::header, {io_detail::encode_header(make_header(created))});
      journal.sync();
    }
    rename_or_throw(tmp, journal_path_);
    lock_ = std::move(lock);
    journal_ = JournalWriter::append_to(journal_path_, journal_size());
  }

  // Journals every done row of the open (clean) file and its timing, in blocks.
  void copy_file_into_journal() {
    constexpr std::uint64_t block = 4096;
    const auto k = static_cast<std::size_t>(num_samples_);
    std::vector<TaskSummary> rows;
    std::vector<double> states;
    std::vector<double> controls;
    std::vector<TaskSummary> done_rows;
    std::vector<double> done_states;
    std::vector<double> done_controls;
    for (std::uint64_t first = 0; first < n_tasks_; first += block) {
      const std::uint64_t count = std::min(block, n_tasks_ - first);
      layout_->read_run(first, count, rows, states, controls);
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
      if (done_rows.empty()) {
        continue;
      }
      const auto prefix = io_detail::encode_results_prefix(done_rows.size(), num_samples_);
      journal_.append(RecordType::results,
                      {prefix, bytes_of(done_rows.data(), done_rows.size() * sizeof(TaskSummary)),
                       bytes_of(done_states.data(), done_states.size() * sizeof(double)),
                       bytes_of(done_controls.data(), done_controls.size() * sizeof(double))});
    }
    for (const auto& timing : layout_->read_segments()) {
      journal_.append(RecordType::segment_timing, {io_detail::encode_timing(timing)});
    }
    journal_.sync();
  }

  // Resuming a finished file wrote nothing so far; the first real write needs a journal.
  void open_for_writing() {
    is_noop_ = false;
    open_layout(h5::FileAccess::read_write);
    start_new_journal();
    start_segment();
  }

  struct Replay {
    std::uint64_t valid_end = 0;
    std::int32_t next_segment = 0;
  };

  // Applies every intact journal record the open file lacks (rows by task id, timing by
  // segment index); stops at the first torn or corrupt record.
  Replay replay_journal(std::int32_t segments_in_file) {
    Replay out;
    std::vector<char> has_segment;
    for (const auto s : layout_->segment_indices()) {
      if (s >= 0) {
        has_segment.resize(std::max(has_segment.size(), static_cast<std::size_t>(s) + 1), 0);
        has_segment[static_cast<std::size_t>(s)] = 1;
      }
    }
    out.next_segment = segments_in_file;
    JournalReader reader(journal_path_);
    JournalRecord record;
    try {
      while (reader.next(record)) {
        switch (record.type) {
          case RecordType::results: {
            auto results = io_detail::decode_results(record.payload);
            replay_results(results);
            break;
          }
          case RecordType::segment_start: {
            const auto start = io_detail::decode_segment_start(record.payload);
            out.next_segment = std::max(out.next_segment, start.segment + 1);
            break;
          }
          case RecordType::segment_timing: {
            const auto timing = io_detail::decode_timing(record.payload);
            const auto s = static_cast<std::size_t>(std::max(timing.segment, 0));
            if (s >= has_segment.size() || has_segment[s] == 0) {
              layout_->append_segment(timing);
              has_segment.resize(std::max(has_segment.size(), s + 1), 0);
              has_segment[s] = 1;
            }
            out.next_segment = std::max(out.next_segment, timing.segment + 1);
            break;
          }
          case RecordType::header:
          case RecordType::clean_close:
            break;
          default:
            throw io_detail::JournalFormatError{
                "unknown record type " + std::to_string(static_cast<std::uint32_t>(record.type))};
        }
      }
    } catch (const io_detail::JournalFormatError& e) {
      throw IoError(journal_path_.string(), "replay journal", e.what, true);
    }
    out.valid_end = reader.valid_end();
    return out;
  }

  void replay_results(const io_detail::ResultsPayload& results) {
    const auto k = static_cast<std::size_t>(num_samples_);
    const bool has_trajectories = !results.states.empty();
    // Records were written sorted and deduplicated; rows already present are skipped so
    // the replay is idempotent.
    std::size_t i = 0;
    const std::size_t m = results.summaries.size();
    while (i < m) {
      if (results.summaries[i].task_id >= n_tasks_) {
        throw io_detail::JournalFormatError{"task id outside the study"};
      }
      if (is_done(results.summaries[i].task_id)) {
        ++i;
        continue;
      }
      std::size_t j = i + 1;
      while (j < m && results.summaries[j].task_id == results.summaries[j - 1].task_id + 1 &&
             !is_done(results.summaries[j].task_id)) {
        ++j;
      }
      write_to_file(&results.summaries[i], j - i,
                    has_trajectories ? &results.states[i * k * 6] : nullptr,
                    has_trajectories ? &results.controls[i * k] : nullptr);
      i = j;
    }
  }

  // The file was not closed cleanly: build a new one from the journal alone, beside the
  // old one, and move it into place.
  void rebuild(const JournalHeader& header) {
    if (header.n_tasks != n_tasks_ || header.num_samples != num_samples_) {
      study_mismatch(header.study_hash, journal_path_.string());
    }
    const auto tmp = temp_path(path_, "rebuild");
    Replay replay;
    try {
      {
        auto file = h5::File::create(tmp, true);
        io_detail::create_layout(file, study_, {hash_, canonical_text(study_), header.created});
        file.close();
      }
      layout_.emplace(h5::File::open(tmp, h5::FileAccess::read_write), study_);
      replay = replay_journal(0);
      layout_->rebuild_errors();
      layout_->set_state("running", num_done_);
      layout_->close();
      layout_.reset();
      rename_or_throw(tmp, path_);
      io_detail::sync_directory(path_.parent_path());
    } catch (...) {
      layout_.reset();
      remove_quietly(tmp);
      throw;
    }
    journal_ = JournalWriter::append_to(journal_path_, replay.valid_end);
    open_layout();
    segment_ = replay.next_segment;
    start_segment();
  }

  std::filesystem::path path_;
  std::filesystem::path journal_path_;
  const Study& study_;
  std::string hash_;
  std::uint64_t n_tasks_;
  std::int64_t num_samples_;
  std::vector<std::uint64_t> done_;  // one bit per task
  std::uint64_t num_done_ = 0;
  std::int32_t segment_ = 0;
  bool is_closed_ = false;
  bool is_failed_ = false;
  bool is_noop_ = false;
  std::optional<BatchLayout> layout_;
  io_detail::JournalLock lock_;  // declared before journal_: released after it closes
  JournalWriter journal_;

  // Per-write scratch, bounded by the largest write.
  std::vector<std::size_t> order_;
  std::vector<TaskSummary> gathered_;
  std::vector<double> gathered_states_;
  std::vector<double> gathered_controls_;
};

BatchWriter::BatchWriter(const std::filesystem::path& path, const Study& study, OpenMode mode)
    : impl_(std::make_unique<Impl>(path, study, mode)) {}

BatchWriter::~BatchWriter() = default;

std::vector<TaskRange> BatchWriter::pending() const {
  return impl_->pending();
}
std::uint64_t BatchWriter::num_done() const noexcept {
  return impl_->num_done();
}
std::int32_t BatchWriter::segment() const noexcept {
  return impl_->segment();
}

void BatchWriter::write(std::span<const TaskSummary> summaries, std::span<const double> states,
                        std::span<const double> controls) {
  impl_->write(summaries, states, controls);
}

void BatchWriter::checkpoint() {
  impl_->checkpoint();
}
void BatchWriter::close(const SegmentTiming& timing) {
  impl_->close(timing);
}

}  // namespace simorch
