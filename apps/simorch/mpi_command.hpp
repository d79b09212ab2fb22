#pragma once

// The outer frame of a subcommand that runs on every rank of an MPI job (run, tune).

#include <fmt/core.h>

#include <csignal>
#include <exception>

#include "command_registry.hpp"
#include "simorch/error.hpp"
#include "simorch/mpi/stop_signal.hpp"

namespace simorch::cli {

/// Runs `body` (which starts and ends MPI and returns the exit code agreed by all ranks)
/// with the stop handlers installed through MPI_Finalize, where a rank may wait for the
/// others and a default action would kill a finished rank; then ignores late stop
/// signals (SLURM's warning racing the last task has nothing left to stop) and ends the
/// program with the code.
template <class Body>
void run_mpi_command(Body&& body) {
  int code = exit_code::success;
  {
    mpi::StopSignalScope signals;
    try {
      code = body();
    } catch (const std::exception& e) {
      // MpiSession could not start (e.g. no MPI_THREAD_FUNNELED): every rank says so.
      fmt::print(stderr, "simorch: error: {}\n", e.what());
      code = exit_code::runtime_failure;
    }
  }
  for (const int signal_number : {SIGTERM, SIGINT, SIGUSR1}) std::signal(signal_number, SIG_IGN);
  // MPI is finalised here (MpiSession is gone): now the exit code may unwind main().
  if (code != exit_code::success) throw ExitRequest{code};
}

}  // namespace simorch::cli
