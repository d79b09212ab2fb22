#include "run_cli.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

extern char** environ;

namespace simorch::test {
namespace {

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A program name without a slash is looked up in PATH here, before fork(), because
/// the child may only call async-signal-safe functions.
std::filesystem::path resolve_program(const std::filesystem::path& program) {
  if (program.string().find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::stringstream folders(path != nullptr ? path : "/usr/bin:/bin");
  std::string folder;
  while (std::getline(folders, folder, ':')) {
    const auto candidate = std::filesystem::path(folder.empty() ? "." : folder) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error("run_program: '" + program.string() + "' not found in PATH");
}

std::vector<std::string> make_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    if (extra.find(name) == extra.end()) variables.emplace_back(text);
  }
  for (const auto& [name, value] : extra) variables.push_back(name + "=" + value);
  return variables;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (std::string& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

std::filesystem::path make_temp_dir(std::string_view prefix) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / ("simorch-" + std::string(prefix) + "-XXXXXX"))
          .string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  return pattern;
}

}  // namespace

std::vector<std::string> CliResult::err_lines() const {
  std::vector<std::string> lines;
  std::stringstream stream(err);
  std::string line;
  while (std::getline(stream, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string CliResult::describe() const {
  std::ostringstream text;
  text << "exit code " << exit_code;
  if (term_signal != 0) text << " (signal " << term_signal << ")";
  if (timed_out) text << " (timed out)";
  text << "\n--- stdout ---\n" << out << "--- stderr ---\n" << err;
  return text.str();
}

std::filesystem::path simorch_exe() {
  if (const char* exe = std::getenv("SIMORCH_EXE"); exe != nullptr && *exe != '\0') {
    return exe;
  }
  const std::filesystem::path fallback = std::filesystem::path(SIMORCH_BINARY_DIR) / "bin/simorch";
  if (std::filesystem::exists(fallback)) return fallback;
  throw std::runtime_error("SIMORCH_EXE is not set and " + fallback.string() + " does not exist");
}

CliProcess::CliProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
                       const RunOptions& options)
    : timeout_s_(options.timeout_s) {
  // Resolved first, so that a missing program leaves no capture folder behind.
  const std::filesystem::path resolved = resolve_program(program);
  capture_dir_ = make_temp_dir("cli");
  std::vector<std::string> argv_strings{resolved.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = make_environment(options.env);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);
  const std::string working_dir = options.working_dir.string();

  const int out_fd = ::open((capture_dir_ / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err_fd = ::open((capture_dir_ / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  if (out_fd < 0 || err_fd < 0 || null_fd < 0) {
    throw std::system_error(errno, std::generic_category(), "open capture files");
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    // Child: async-signal-safe calls only (the test process may have threads).
    ::setpgid(0, 0);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    if (!working_dir.empty() && ::chdir(working_dir.c_str()) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(out_fd);
  ::close(err_fd);
  ::close(null_fd);
  if (pid_ < 0) throw std::system_error(fork_errno, std::generic_category(), "fork");
  // Also from the parent, so that a signal sent right away finds the group.
  ::setpgid(pid_, pid_);
}

CliProcess::~CliProcess() {
  if (pid_ > 0 && !has_exited_) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(capture_dir_, ignored);
}

void CliProcess::send_signal(int signal, bool whole_group) const {
  if (pid_ <= 0 || has_exited_) return;
  ::kill(whole_group ? -pid_ : pid_, signal);
}

void CliProcess::reap(int status) {
  has_exited_ = true;
  status_ = status;
}

bool CliProcess::is_running() {
  if (has_exited_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) reap(status);
  return !has_exited_;
}

CliResult CliProcess::wait() {
  return wait(timeout_s_);
}

CliResult CliProcess::wait(double timeout_s) {
  CliResult result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (is_running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      reap(status);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status_)) {
    result.exit_code = WEXITSTATUS(status_);
  } else if (WIFSIGNALED(status_)) {
    result.term_signal = WTERMSIG(status_);
    result.exit_code = 128 + result.term_signal;
  }
  result.out = read_all(capture_dir_ / "stdout");
  result.err = read_all(capture_dir_ / "stderr");
  return result;
}

CliResult run_program(const std::filesystem::path& program, const std::vector<std::string>& args,
                      const RunOptions& options) {
  CliProcess process(program, args, options);
  return process.wait();
}

CliResult run_simorch(const std::vector<std::string>& args, const RunOptions& options) {
  return run_program(simorch_exe(), args, options);
}

ScopedTempDir::ScopedTempDir(std::string_view prefix) : path_(make_temp_dir(prefix)) {}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path ScopedTempDir::write_file(std::string_view name,
                                                std::string_view text) const {
  const std::filesystem::path file = path_ / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file;
}

}  // namespace simorch::test
