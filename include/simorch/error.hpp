#pragma once

#include <stdexcept>
#include <string>

namespace simorch {

/// Base of every error simorch throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A bad value in a study, parameter set or command line: names the key path, the
/// value and what is allowed. The CLI maps it to exit code 2.
class ConfigError : public Error {
 public:
  ConfigError(std::string key_path, std::string value, std::string allowed)
      : Error(key_path + ": " + (value.empty() ? std::string{} : "got '" + value + "', ") +
              allowed),
        key_path_(std::move(key_path)),
        value_(std::move(value)),
        allowed_(std::move(allowed)) {}

  const std::string& key_path() const noexcept { return key_path_; }
  const std::string& value() const noexcept { return value_; }
  const std::string& allowed() const noexcept { return allowed_; }

 private:
  std::string key_path_;
  std::string value_;
  std::string allowed_;
};

/// A file that cannot be read or written: names the file and the operation.
/// `is_bad_input` distinguishes a bad file given by the user (exit 2) from a
/// runtime I/O failure such as a full disk (exit 1).
class IoError : public Error {
 public:
  IoError(std::string file, std::string operation, const std::string& detail,
          bool is_bad_input = false)
      : Error(file + ": " + operation + " failed: " + detail),
        file_(std::move(file)),
        operation_(std::move(operation)),
        is_bad_input_(is_bad_input) {}

  const std::string& file() const noexcept { return file_; }
  const std::string& operation() const noexcept { return operation_; }
  bool is_bad_input() const noexcept { return is_bad_input_; }

 private:
  std::string file_;
  std::string operation_;
  bool is_bad_input_;
};

/// Process exit codes of the `simorch` program (style.md).
namespace exit_code {
inline constexpr int success = 0;
inline constexpr int runtime_failure = 1;
inline constexpr int bad_input = 2;
inline constexpr int interrupted = 75;  ///< EX_TEMPFAIL: stopped cleanly, resumable.
}  // namespace exit_code

}  // namespace simorch
