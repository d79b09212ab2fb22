#include "simorch/h5/error.hpp"

#include <hdf5.h>

#include <algorithm>
#include <string>
#include <vector>

#include "check.hpp"

namespace simorch::h5 {
namespace {

constexpr const char* locking_hint =
    "the file is locked by another process, or the file system does not support locking "
    "(NFS, Lustre); on such file systems set HDF5_USE_FILE_LOCKING=FALSE";
constexpr const char* disk_full_text = "disk full (No space left on device)";

using StackText = detail::ErrorStack;

herr_t collect(unsigned /*n*/, const H5E_error2_t* entry, void* data) {
  auto* text = static_cast<StackText*>(data);
  try {
    if (entry->desc != nullptr && entry->desc[0] != '\0') {
      text->messages.emplace_back(entry->desc);
    }
  } catch (...) {
    return -1;  // never let an exception cross HDF5's C frames
  }
  return 0;
}

// The low-level driver messages carry a timestamp with a newline, the file name, buffer
// addresses and byte counts; keep "what failed (strerror text)" so the message is one line.
std::string shorten(std::string m) {
  const auto err = m.find("error message = '");
  if (err != std::string::npos) {
    const auto begin = err + 17;
    const auto end = m.find('\'', begin);
    const auto head = m.substr(0, m.find_first_of(":,"));
    m = head + " (" + m.substr(begin, end == std::string::npos ? end : end - begin) + ")";
  }
  std::replace(m.begin(), m.end(), '\n', ' ');
  return m;
}

// The outermost message says what failed in HDF5's terms, the innermost why; the
// middle of the stack is library plumbing.
std::string stack_summary(const StackText& text) {
  if (text.messages.empty()) {
    return "HDF5 call failed";
  }
  std::string out = shorten(text.messages.front());
  if (text.messages.size() > 1) {
    const std::string inner = shorten(text.messages.back());
    if (inner != out) {
      out += ": " + inner;
    }
  }
  return out;
}

bool any_contains(const StackText& text, const char* needle) {
  for (const auto& m : text.messages) {
    if (m.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

struct Silencer {
  Silencer() noexcept {
    // HDF5's exit handler closes identifiers still open at exit. A file whose close failed
    // (its metadata could not be written to a full disk) stays half-closed in HDF5 1.10,
    // and closing it again at exit crashes, turning exit code 1 into a segfault. Every
    // wrapper closes what it opens (RAII), so there is nothing left for the handler to do;
    // a writer that dies with its file open is what the journal is for. Must precede any
    // other HDF5 call, hence a static initializer.
    H5dont_atexit();
    silence_error_printing();
    // HDF5 keeps freed blocks on free lists without bound by default; over a long study
    // they grow with the number of chunks written. Capping them (1 MiB per kind in all,
    // 256 KiB per list) keeps a writer's memory independent of the number of tasks.
    constexpr int total = 1 << 20;
    constexpr int per_list = 1 << 18;
    H5set_free_list_limits(total, per_list, total, per_list, total, per_list);
  }
};
// Runs at program start in every program that uses any wrapper (they all call fail()).
const Silencer silencer;

}  // namespace

void silence_error_printing() noexcept {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

bool is_locking_error(const IoError& error) noexcept {
  return std::string_view(error.what()).find("HDF5_USE_FILE_LOCKING") != std::string_view::npos;
}

bool is_disk_full_error(const IoError& error) noexcept {
  return std::string_view(error.what()).find(disk_full_text) != std::string_view::npos;
}

namespace detail {

void ensure_silenced() noexcept {
  static const bool done = [] {
    silence_error_printing();
    return true;
  }();
  (void)done;
}

ErrorStack capture_stack() noexcept {
  ErrorStack text;
  try {
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &text);
  } catch (...) {  // out of memory while copying messages: report what we have
  }
  H5Eclear2(H5E_DEFAULT);
  return text;
}

void raise(const ErrorStack& text, const std::string& file, const std::string& operation,
           bool bad_input) {
  std::string detail = stack_summary(text);
  if (any_contains(text, "unable to lock file") || any_contains(text, "file locking")) {
    throw IoError(file, operation, detail + " — " + locking_hint, false);
  }
  if (any_contains(text, "errno = 28")) {
    throw IoError(file, operation, std::string(disk_full_text) + ": " + detail, false);
  }
  throw IoError(file, operation, detail, bad_input);
}

PropList::PropList(hid_t cls) : id_(H5Pcreate(cls)) {
  if (id_ < 0) {
    fail("", "create property list");
  }
}

PropList::~PropList() {
  H5Pclose(id_);
}

}  // namespace detail
}  // namespace simorch::h5
