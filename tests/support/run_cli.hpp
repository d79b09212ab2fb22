#pragma once

// Runs the built `simorch` program (or any program, e.g. mpiexec) from a test and
// captures what it returned and printed. Shared by every test under tests/cli.

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace simorch::test {

/// How a finished program ended and what it printed.
struct CliResult {
  int exit_code = -1;      ///< exit status; 128 + signal number when killed by a signal
  int term_signal = 0;     ///< the signal that ended it, 0 when it exited
  bool timed_out = false;  ///< killed by the runner after the timeout
  std::string out;         ///< everything written to stdout
  std::string err;         ///< everything written to stderr

  /// Non-empty lines of stderr (a one-line error message gives exactly one).
  std::vector<std::string> err_lines() const;
  /// Exit code, timeout and both streams, for assertion messages.
  std::string describe() const;
};

/// Where and how a program runs.
struct RunOptions {
  std::filesystem::path working_dir;       ///< empty: the test's current directory
  std::map<std::string, std::string> env;  ///< variables added to (or replacing) ours
  double timeout_s = 120.0;                ///< then SIGKILL to its process group
};

/// The simorch program under test: $SIMORCH_EXE (set by simorch_add_test), else
/// SIMORCH_BINARY_DIR/bin/simorch. Throws std::runtime_error when neither exists.
std::filesystem::path simorch_exe();

/// A started program in its own process group, its stdout/stderr going to temporary
/// files (so it never blocks on a full pipe while the test waits or signals it).
/// The destructor kills (SIGKILL) and reaps a program that is still running.
class CliProcess {
 public:
  /// Starts `program` (a path, or a name looked up in PATH) with `args`.
  CliProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
             const RunOptions& options = {});
  ~CliProcess();
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  pid_t pid() const noexcept { return pid_; }
  /// Sends `signal` to the program, or to its whole process group (mpiexec and its ranks).
  void send_signal(int signal, bool whole_group = false) const;
  /// True while it has not exited (reaps it when it has).
  bool is_running();
  /// Waits until it exits or `timeout_s` passes (then SIGKILLs the group and marks
  /// timed_out), and returns its result. Call once.
  CliResult wait(double timeout_s);
  /// The same with the timeout given to the constructor.
  CliResult wait();

 private:
  void reap(int status);

  pid_t pid_ = -1;
  bool has_exited_ = false;
  int status_ = 0;
  double timeout_s_ = 120.0;
  std::filesystem::path capture_dir_;
};

/// Runs `program` to completion (bounded by options.timeout_s).
CliResult run_program(const std::filesystem::path& program, const std::vector<std::string>& args,
                      const RunOptions& options = {});
/// Runs `simorch args...` to completion.
CliResult run_simorch(const std::vector<std::string>& args, const RunOptions& options = {});

/// A fresh directory under the system temp folder, removed with its contents when the
/// object goes out of scope (also when the test fails).
class ScopedTempDir {
 public:
  /// `prefix` names the folder (simorch-<prefix>-XXXXXX) so leftovers are recognisable.
  explicit ScopedTempDir(std::string_view prefix = "test");
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  /// path() / name.
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  /// Writes `text` to path()/name (creating parent folders) and returns the full path.
  std::filesystem::path write_file(std::string_view name, std::string_view text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace simorch::test
