#pragma once

#include <string>
#include <utility>

#include "simorch/error.hpp"

namespace simorch::mpi {

/// A raw MPI call returned an error code (style.md: every raw MPI call is checked). The
/// message names the call and MPI's own words for the code.
class MpiError : public Error {
 public:
  MpiError(std::string call, int code, const std::string& text)
      : Error(call + " failed: " + text + " (MPI error " + std::to_string(code) + ")"),
        call_(std::move(call)),
        code_(code) {}

  const std::string& call() const noexcept { return call_; }
  int code() const noexcept { return code_; }

 private:
  std::string call_;
  int code_;
};

/// Throws MpiError for an MPI return code other than MPI_SUCCESS.
void check_mpi(int code, const char* call);

}  // namespace simorch::mpi
