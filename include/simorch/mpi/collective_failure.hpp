#pragma once

#include <optional>
#include <string>

#include "simorch/error.hpp"

namespace simorch::mpi {

/// Why a rank cannot go on, as the CLI will report it.
struct Failure {
  int exit_code = exit_code::runtime_failure;  ///< 2 bad input, 1 runtime failure
  std::string message;                         ///< one line, without "simorch: error: "
};

/// Inside a catch block: the exit code and message of the exception being handled
/// (ConfigError and bad-input IoError → 2, anything else → 1).
Failure failure_from_current_exception();

/// Collective: the failure of the lowest failing rank, the same on every rank, or nullopt
/// when no rank failed. Lets a setup step that can fail on one rank (a file only rank 0
/// opens) end every rank the same way instead of leaving the others waiting.
std::optional<Failure> agree_on_failure(const std::optional<Failure>& mine);

/// The agreed failure of a collective step, thrown on every rank with the same message
/// and exit code; the CLI prints it on rank 0 only.
class CollectiveFailure : public Error {
 public:
  explicit CollectiveFailure(Failure failure)
      : Error(failure.message), exit_code_(failure.exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

/// Collective: runs `step` on every rank; if it throws on any rank, every rank throws the
/// same CollectiveFailure (the lowest failing rank's).
template <class Step>
void run_collectively(Step&& step) {
  std::optional<Failure> mine;
  try {
    step();
  } catch (...) {
    mine = failure_from_current_exception();
  }
  if (auto agreed = agree_on_failure(mine)) throw CollectiveFailure(std::move(*agreed));
}

}  // namespace simorch::mpi
