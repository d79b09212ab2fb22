#pragma once

// The write-ahead journal beside a batch file (docs/resume.md, "The journal").
//
// File: 8 magic bytes "SIMORCJ2" (journal format 2), then records
//   [u32 type][u32 0][u64 payload length][payload][u32 CRC-32C of the 16-byte head + payload]
// in host byte order (the journal is a crash-recovery file of this machine, not an
// exchange format). A reader stops at the first record that is truncated or fails its CRC:
// that is where a kill -9 or a power loss cut the last append.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "simorch/io/run_timing.hpp"
#include "simorch/sim/task.hpp"

namespace simorch::io_detail {

inline constexpr char journal_magic[8] = {'S', 'I', 'M', 'O', 'R', 'C', 'J', '2'};
/// The magic of journal format 1 (whole TaskSummary structs, CRC-32), recognised only to
/// refuse it with a clear message.
inline constexpr char journal_magic_v1[8] = {'S', 'I', 'M', 'O', 'R', 'C', 'H', 'J'};
inline constexpr std::uint32_t journal_version = 3;  // 3: /timing/ranks `simulated`

/// What a journal record holds.
enum class RecordType : std::uint32_t {
  header = 1,          ///< JournalHeader; the first record
  results = 2,         ///< one write(): summaries + trajectories
  segment_start = 3,   ///< a writer opened the file (segment index, unix time)
  segment_timing = 4,  ///< SegmentTiming of a segment that closed
  clean_close = 5,     ///< the HDF5 file was closed cleanly after everything before
};

/// Identity of the study and file a journal belongs to.
struct JournalHeader {
  std::uint32_t version = journal_version;
  std::uint32_t row_layout = 0;  ///< row_layout_id() of the writer (row_block.hpp)
  std::uint64_t n_tasks = 0;
  std::int64_t num_samples = 0;
  std::string study_hash;
  std::string created;
  std::string study_text;
  std::string study_canonical;
};

/// Decoded payload of a results record.
struct ResultsPayload {
  std::vector<TaskSummary> summaries;
  std::vector<double> states;    ///< count·K·6
  std::vector<double> controls;  ///< count·K
};

/// Decoded payload of a segment_start record. host and pid identify the writer for a
/// live reader (docs/resume.md, "Reading a running study"); journals written before they
/// existed decode with host empty and pid 0.
struct SegmentStart {
  std::int32_t segment = 0;
  double unix_s = 0;
  std::string host;
  std::int64_t pid = 0;
};

/// A segment_start of this process (its host name and pid).
SegmentStart segment_start_here(std::int32_t segment, double unix_s);

std::vector<std::byte> encode_header(const JournalHeader& header);
JournalHeader decode_header(std::span<const std::byte> payload);
/// Decodes a results record (encoded by RowBlock::journal_pieces, row_block.cpp).
ResultsPayload decode_results(std::span<const std::byte> payload);
std::vector<std::byte> encode_segment_start(const SegmentStart& start);
SegmentStart decode_segment_start(std::span<const std::byte> payload);
std::vector<std::byte> encode_timing(const SegmentTiming& timing);
SegmentTiming decode_timing(std::span<const std::byte> payload);

/// Thrown by the decoders for a payload whose CRC matched but whose content does not
/// parse (a journal from an incompatible build).
struct JournalFormatError {
  std::string what;
};

/// Appends records through a user-space buffer to one fd: a record is handed to the
/// kernel in one write(2) by flush() (so a kill -9 after flush() loses nothing), and made
/// durable against power loss by sync() (fdatasync).
class JournalWriter {
 public:
  JournalWriter() = default;
  /// Creates (truncates) `path`, writes the magic.
  static JournalWriter create(const std::filesystem::path& path);
  /// Opens `path` for appending after its first `valid_end` bytes (cutting a torn tail).
  static JournalWriter append_to(const std::filesystem::path& path, std::uint64_t valid_end);
  ~JournalWriter();
  JournalWriter(JournalWriter&& other) noexcept;
  JournalWriter& operator=(JournalWriter&& other) noexcept;
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  bool is_open() const noexcept { return fd_ >= 0; }
  /// Appends one record whose payload is the concatenation of `pieces`.
  void append(RecordType type, std::span<const std::span<const std::byte>> pieces);
  void append(RecordType type, std::initializer_list<std::span<const std::byte>> pieces) {
    append(type, std::span<const std::span<const std::byte>>(pieces.begin(), pieces.size()));
  }
  /// Hands buffered bytes to the kernel.
  void flush();
  /// flush() + fdatasync().
  void sync();
  /// sync() and close; throws on failure.
  void close();

 private:
  explicit JournalWriter(int fd, std::filesystem::path path);
  void put(const void* data, std::size_t size);
  void write_fd(const void* data, std::size_t size);
  void write_fd(std::span<const std::span<const std::byte>> pieces);

  int fd_ = -1;
  std::filesystem::path path_;
  std::vector<std::byte> buffer_;
};

/// One intact record.
struct JournalRecord {
  RecordType type = RecordType::header;
  std::vector<std::byte> payload;
};

/// Reads records in order, verifying each CRC.
class JournalReader {
 public:
  /// Opens `path`; IoError (bad input) when it is not a simorch journal.
  explicit JournalReader(const std::filesystem::path& path);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  /// Reads the next intact record; false at the end or at the first torn/corrupt record.
  bool next(JournalRecord& record);
  /// Offset just past the last intact record read.
  std::uint64_t valid_end() const noexcept { return valid_end_; }
  /// True when next() stopped before the end of the file (a torn or corrupt tail).
  bool has_damaged_tail() const noexcept { return valid_end_ < file_size_; }

 private:
  std::FILE* file_ = nullptr;
  std::filesystem::path path_;
  std::uint64_t file_size_ = 0;
  std::uint64_t valid_end_ = 0;
  bool is_done_ = false;
};

/// An exclusive advisory lock (flock) on a journal, held while this object lives: the one
/// guard against two simorch writers on one output when HDF5_USE_FILE_LOCKING=FALSE (and
/// against `--force` replacing a file another run is still writing, which HDF5's lock
/// on the old file cannot see). Where the file system has no locks (ENOLCK, EOPNOTSUPP)
/// it holds nothing.
class JournalLock {
 public:
  JournalLock() = default;
  /// Locks `path` (which must exist); IoError naming the file when another process holds it.
  static JournalLock acquire(const std::filesystem::path& path);
  ~JournalLock();
  JournalLock(JournalLock&& other) noexcept;
  JournalLock& operator=(JournalLock&& other) noexcept;
  JournalLock(const JournalLock&) = delete;
  JournalLock& operator=(const JournalLock&) = delete;

 private:
  int fd_ = -1;
};

/// fsync of a folder, so that a rename in it survives a power loss.
void sync_directory(const std::filesystem::path& folder);

}  // namespace simorch::io_detail
