#pragma once

#include <memory>
#include <string>

namespace simorch::mpi {

/// MPI for one `simorch` process: initialises MPI with MPI_THREAD_FUNNELED (only the main
/// thread of each rank calls MPI; pool threads never do) and finalises it on destruction.
///
/// Collective: every rank constructs and destroys one. When MPI is already initialised
/// (an MPI test main), it only checks the thread level and leaves finalising to its owner.
/// Must be constructed on the thread that will make every MPI call.
class MpiSession {
 public:
  /// Throws Error naming the provided level when MPI cannot give MPI_THREAD_FUNNELED.
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  /// Rank of this process in MPI_COMM_WORLD.
  int rank() const noexcept { return rank_; }
  /// Number of ranks in MPI_COMM_WORLD.
  int size() const noexcept { return size_; }
  /// Collective: rank 0's `value` on every rank (small setup values, e.g. a calibration).
  double broadcast_from_root(double value) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int rank_ = 0;
  int size_ = 1;
};

/// MPI_Get_processor_name of this rank (the host name under Open MPI).
std::string processor_name();

/// Ends every rank of MPI_COMM_WORLD at once with `exit_code` (MPI_Abort): the last
/// resort when other ranks no longer answer. Any thread may call it.
[[noreturn]] void abort_all_ranks(int exit_code) noexcept;

}  // namespace simorch::mpi
