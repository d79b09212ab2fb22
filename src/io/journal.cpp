#include "journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "crc32.hpp"
#include "row_block.hpp"
#include "simorch/error.hpp"

namespace simorch::io_detail {
namespace {

constexpr std::size_t buffer_capacity = std::size_t{1} << 20;
constexpr std::size_t head_size = 16;              // u32 type, u32 zero, u64 length
constexpr std::uint64_t large_record = 64 * 1024;  // written with writev, not buffered

std::string errno_text(int error) {
  // The same words as the HDF5 wrappers use, so h5::is_disk_full_error() matches both.
  if (error == ENOSPC) {
    return "disk full (No space left on device)";
  }
  return std::strerror(error);
}

class ByteWriter {
 public:
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    append(&value, sizeof(T));
  }
  void put_string(const std::string& s) {
    put(static_cast<std::uint64_t>(s.size()));
    append(s.data(), s.size());
  }
  std::vector<std::byte> take() { return std::move(out_); }

  // The field visitor of the *_fields functions below: one field list per record, for
  // encoding and decoding alike.
  template <class T>
  void operator()(const T& value) {
    put(value);
  }
  void operator()(const std::string& s) { put_string(s); }
  template <class T, class Fields>
  void sequence(const std::vector<T>& items, Fields&& fields) {
    put(static_cast<std::uint64_t>(items.size()));
    for (const T& item : items) {
      fields(item);
    }
  }

 private:
  // Not inlined: inlined into put<T>() of a vector that grows from empty, GCC 12 reports
  // false -Wstringop-overflow / -Warray-bounds in libstdc++'s reallocation (seen under
  // -fsanitize=thread and in Release), which -Werror turns into a failed build.
  [[gnu::noinline]] void append(const void* data, std::size_t size) {
    const auto* p = static_cast<const std::byte*>(data);
    out_.insert(out_.end(), p, p + size);
  }
  std::vector<std::byte> out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> data) : data_(data) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  std::string get_string() {
    const auto size = get<std::uint64_t>();
    const auto* p = reinterpret_cast<const char*>(take(size));
    return std::string(p, size);
  }
  const std::byte* take(std::uint64_t size) {
    if (size > data_.size() - pos_) {
      throw JournalFormatError{"record payload too short"};
    }
    const std::byte* p = data_.data() + pos_;
    pos_ += size;
    return p;
  }
  std::size_t remaining() const noexcept { return data_.size() - pos_; }

  template <class T>
  void operator()(T& value) {
    value = get<T>();
  }
  void operator()(std::string& s) { s = get_string(); }
  template <class T, class Fields>
  void sequence(std::vector<T>& items, Fields&& fields) {
    // One by one: a corrupt count ends at "payload too short", not in a huge allocation.
    const auto count = get<std::uint64_t>();
    for (std::uint64_t i = 0; i < count; ++i) {
      T item{};
      fields(item);
      items.push_back(std::move(item));
    }
  }

 private:
  std::span<const std::byte> data_;
  std::size_t pos_ = 0;
};

}  // namespace

// Field lists of the records; `Record` is const when encoding.
template <class Io, class Record>
void header_fields(Io& io, Record& h) {
  io(h.version);
  io(h.row_layout);
  io(h.n_tasks);
  io(h.num_samples);
  io(h.study_hash);
  io(h.created);
  io(h.study_text);
  io(h.study_canonical);
}

// The timing in the order of segment_fields, rank_fields and thread_fields
// (include/simorch/io/run_timing.hpp), a rank's host right after its rank.
template <class Io, class Record>
void timing_fields(Io& io, Record& t) {
  const auto each = [&io](auto&... field) { (io(field), ...); };
  std::apply(each, segment_fields(t));
  io(t.outcome);  // RunOutcome: int32
  io.sequence(t.rank_timing, [&](auto& r) {
    std::apply(
        [&](auto& rank, auto&... rest) {
          io(rank);
          io(r.host);
          (io(rest), ...);
        },
        rank_fields(r));
  });
  io.sequence(t.thread_timing, [&](auto& th) { std::apply(each, thread_fields(th)); });
}

std::vector<std::byte> encode_header(const JournalHeader& header) {
  ByteWriter w;
  header_fields(w, header);
  return w.take();
}

JournalHeader decode_header(std::span<const std::byte> payload) {
  ByteReader r(payload);
  JournalHeader h;
  h.version = r.get<std::uint32_t>();
  h.row_layout = r.get<std::uint32_t>();
  // Checked before the rest: a journal of another build may lay the rest out differently.
  if (h.version != journal_version || h.row_layout != row_layout_id()) {
    throw JournalFormatError{"journal version " + std::to_string(h.version) + " / row layout " +
                             std::to_string(h.row_layout) + " not written by this simorch"};
  }
  ByteReader all(payload);
  header_fields(all, h);
  return h;
}

std::vector<std::byte> encode_segment_start(const SegmentStart& start) {
  ByteWriter w;
  w.put(start.segment);
  w.put(start.unix_s);
  w.put_string(start.host);
  w.put(start.pid);
  return w.take();
}

SegmentStart decode_segment_start(std::span<const std::byte> payload) {
  ByteReader r(payload);
  SegmentStart s;
  s.segment = r.get<std::int32_t>();
  s.unix_s = r.get<double>();
  if (r.remaining() > 0) {
    s.host = r.get_string();
    s.pid = r.get<std::int64_t>();
  }
  return s;
}

SegmentStart segment_start_here(std::int32_t segment, double unix_s) {
  SegmentStart s{segment, unix_s, {}, static_cast<std::int64_t>(getpid())};
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) == 0) s.host = name;
  return s;
}

std::vector<std::byte> encode_timing(const SegmentTiming& t) {
  static_assert(sizeof(RunOutcome) == sizeof(std::int32_t));
  ByteWriter w;
  timing_fields(w, t);
  w(t.kernel);
  return w.take();
}

SegmentTiming decode_timing(std::span<const std::byte> payload) {
  ByteReader r(payload);
  SegmentTiming t;
  timing_fields(r, t);
  if (r.remaining() > 0) r(t.kernel);  // journals of earlier versions end here
  return t;
}

// ---- JournalWriter ---------------------------------------------------------------------

JournalWriter::JournalWriter(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {
  buffer_.reserve(buffer_capacity);
}

JournalWriter JournalWriter::create(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error = errno;
    throw IoError(path.string(), "create journal", errno_text(error), error != ENOSPC);
  }
  JournalWriter w(fd, path);
  w.put(journal_magic, sizeof journal_magic);
  w.flush();
  return w;
}

JournalWriter JournalWriter::append_to(const std::filesystem::path& path, std::uint64_t valid_end) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    throw IoError(path.string(), "open journal for appending", errno_text(errno), true);
  }
  JournalWriter w(fd, path);
  // Cut what a killed writer left half-written, so new records follow intact ones.
  if (::ftruncate(fd, static_cast<off_t>(valid_end)) != 0 ||
      ::lseek(fd, static_cast<off_t>(valid_end), SEEK_SET) < 0) {
    throw IoError(path.string(), "truncate torn journal tail", errno_text(errno));
  }
  return w;
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) {
    try {
      flush();
    } catch (const IoError&) {
      // A destructor cannot report; whatever did not reach the kernel is not journaled,
      // and resume redoes those tasks.
    }
    ::close(fd_);
  }
}

JournalWriter::JournalWriter(JournalWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      buffer_(std::move(other.buffer_)) {}

JournalWriter& JournalWriter::operator=(JournalWriter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

void JournalWriter::append(RecordType type, std::span<const std::span<const std::byte>> pieces) {
  std::uint64_t length = 0;
  for (const auto& p : pieces) {
    length += p.size();
  }
  unsigned char head[head_size] = {};
  const auto t = static_cast<std::uint32_t>(type);
  std::memcpy(head, &t, 4);
  std::memcpy(head + 8, &length, 8);
  Crc32 crc;
  crc.update(head, head_size);
  for (const auto& p : pieces) {
    crc.update(p.data(), p.size());
  }
  const std::uint32_t sum = crc.value();
  if (length < large_record) {
    put(head, head_size);
    for (const auto& p : pieces) {
      put(p.data(), p.size());
    }
    put(&sum, sizeof sum);
    return;
  }
  // A results record of a whole block: straight from the caller's buffers to the kernel
  // (one writev), without a copy through the buffer.
  flush();
  std::vector<std::span<const std::byte>> all;
  all.reserve(pieces.size() + 2);
  all.emplace_back(reinterpret_cast<const std::byte*>(head), head_size);
  all.insert(all.end(), pieces.begin(), pieces.end());
  all.emplace_back(reinterpret_cast<const std::byte*>(&sum), sizeof sum);
  write_fd(all);
}

void JournalWriter::put(const void* data, std::size_t size) {
  if (buffer_.size() + size > buffer_capacity) {
    flush();
  }
  if (size >= buffer_capacity) {
    write_fd(data, size);  // large trajectory blocks skip the copy
    return;
  }
  const auto* p = static_cast<const std::byte*>(data);
  buffer_.insert(buffer_.end(), p, p + size);
}

void JournalWriter::flush() {
  if (buffer_.empty()) {
    return;
  }
  write_fd(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void JournalWriter::write_fd(const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw IoError(path_.string(), "append to journal", errno_text(errno));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void JournalWriter::write_fd(std::span<const std::span<const std::byte>> pieces) {
  std::vector<iovec> iov;
  iov.reserve(pieces.size());
  for (const auto& p : pieces) {
    if (!p.empty()) iov.push_back({const_cast<std::byte*>(p.data()), p.size()});
  }
  std::size_t next = 0;
  while (next < iov.size()) {
    const int n_iov = static_cast<int>(std::min<std::size_t>(iov.size() - next, IOV_MAX));
    ssize_t n = ::writev(fd_, &iov[next], n_iov);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw IoError(path_.string(), "append to journal", errno_text(errno));
    }
    // A short write: skip what went out, resume inside the piece it stopped in.
    while (n > 0) {
      const auto done = std::min(static_cast<std::size_t>(n), iov[next].iov_len);
      iov[next].iov_base = static_cast<char*>(iov[next].iov_base) + done;
      iov[next].iov_len -= done;
      n -= static_cast<ssize_t>(done);
      if (iov[next].iov_len == 0) ++next;
    }
  }
}

void JournalWriter::sync() {
  flush();
  if (::fdatasync(fd_) != 0) {
    throw IoError(path_.string(), "sync journal", errno_text(errno));
  }
}

void JournalWriter::close() {
  if (fd_ < 0) {
    return;
  }
  sync();
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) {
    throw IoError(path_.string(), "close journal", errno_text(errno));
  }
}

// ---- JournalReader ---------------------------------------------------------------------

JournalReader::JournalReader(const std::filesystem::path& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) {
    throw IoError(path.string(), "open journal", errno_text(errno), true);
  }
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path, ec);
  char magic[sizeof journal_magic] = {};
  const bool has_magic = std::fread(magic, 1, sizeof magic, file_) == sizeof magic;
  if (has_magic && std::memcmp(magic, journal_magic_v1, sizeof magic) == 0) {
    std::fclose(file_);
    file_ = nullptr;
    throw IoError(path.string(), "read journal",
                  "journal format 1, written by an earlier simorch: resume this run with the "
                  "simorch that started it, or start over with --force",
                  true);
  }
  if (!has_magic || std::memcmp(magic, journal_magic, sizeof magic) != 0) {
    std::fclose(file_);
    file_ = nullptr;
    throw IoError(path.string(), "read journal", "not a simorch journal (bad magic bytes)", true);
  }
  valid_end_ = sizeof journal_magic;
}

JournalReader::~JournalReader() {
  if (file_ != nullptr) {
    std::fclose(file_);
  }
}

bool JournalReader::next(JournalRecord& record) {
  if (is_done_) {
    return false;
  }
  unsigned char head[head_size];
  is_done_ = true;  // until the record proves intact
  if (std::fread(head, 1, head_size, file_) != head_size) {
    return false;
  }
  std::uint32_t type = 0;
  std::uint32_t zero = 0;
  std::uint64_t length = 0;
  std::memcpy(&type, head, 4);
  std::memcpy(&zero, head + 4, 4);
  std::memcpy(&length, head + 8, 8);
  // A torn record can claim any length: never allocate past the end of the file.
  if (zero != 0 || length > file_size_ - valid_end_) {
    return false;
  }
  record.payload.resize(length);
  if (std::fread(record.payload.data(), 1, length, file_) != length) {
    return false;
  }
  std::uint32_t stored = 0;
  if (std::fread(&stored, 1, sizeof stored, file_) != sizeof stored) {
    return false;
  }
  Crc32 crc;
  crc.update(head, head_size);
  crc.update(record.payload.data(), record.payload.size());
  if (crc.value() != stored) {
    return false;
  }
  record.type = static_cast<RecordType>(type);
  valid_end_ += head_size + length + sizeof stored;
  is_done_ = false;
  return true;
}

JournalLock JournalLock::acquire(const std::filesystem::path& path) {
  JournalLock lock;
  lock.fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (lock.fd_ < 0) {
    throw IoError(path.string(), "lock journal", errno_text(errno), true);
  }
  if (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (error == EWOULDBLOCK) {
      throw IoError(path.string(), "lock journal",
                    "another simorch run is writing this output; wait for it to end or "
                    "choose another output path",
                    true);
    }
    if (error != ENOLCK && error != EOPNOTSUPP && error != ENOSYS) {
      throw IoError(path.string(), "lock journal", errno_text(error), true);
    }
    // No locks on this file system: nothing to hold (docs/resume.md, NFS and Lustre).
  }
  return lock;
}

JournalLock::~JournalLock() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

JournalLock::JournalLock(JournalLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

JournalLock& JournalLock::operator=(JournalLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void sync_directory(const std::filesystem::path& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return;  // best effort: some file systems refuse to open folders
  }
  ::fsync(fd);
  ::close(fd);
}

}  // namespace simorch::io_detail
