#include "output_files.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <system_error>

#include "simorch/error.hpp"

namespace simorch::io_detail {

OutputFiles::OutputFiles(const std::filesystem::path& path)
    : h5(path), journal(path.string() + ".journal") {}

std::filesystem::path OutputFiles::folder() const {
  return h5.parent_path().empty() ? std::filesystem::path(".") : h5.parent_path();
}

std::filesystem::path OutputFiles::temporary(const std::filesystem::path& file, const char* what) {
  return std::filesystem::path(file.string() + "." + what + "-" + std::to_string(::getpid()));
}

void OutputFiles::check_folder() const {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder(), ec)) {
    throw IoError(h5.string(), "open batch file",
                  "output folder '" + folder().string() + "' does not exist", true);
  }
  if (::access(folder().c_str(), W_OK) != 0) {
    throw IoError(h5.string(), "open batch file",
                  "output folder '" + folder().string() + "' is not writable", true);
  }
}

void OutputFiles::remove_stale_temporaries() const {
  const std::string base = h5.filename().string();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder(), ec)) {
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

void rename_or_throw(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) {
    throw IoError(to.string(), "move " + from.filename().string() + " into place", ec.message());
  }
}

void remove_quietly(const std::filesystem::path& path) noexcept {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

std::string iso_utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void fault_point(const char* name) noexcept {
  static const char* const wanted = std::getenv("SIMORCH_FAULT_POINT");
  if (wanted != nullptr && std::string_view(wanted) == name) {
    ::raise(SIGKILL);
  }
}

}  // namespace simorch::io_detail
