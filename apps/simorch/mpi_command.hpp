#pragma once

// The outer frame of a subcommand that runs a study (run, tune): in process, or on every
// rank of an MPI job.

#include <fmt/core.h>

#include <csignal>
#include <exception>
#include <string>

#include "command_registry.hpp"
#include "simorch/error.hpp"
#include "simorch/run/stop_signal.hpp"

namespace simorch::cli {

/// What `run` and `tune` are given alike: the study, the file to write, pool threads per
/// rank (0: one per core), --force / --resume (exclusive) and --quiet.
struct StudyCommandArguments {
  std::string study;
  std::string output;
  int threads = 0;
  bool is_force = false;
  bool is_resume = false;
  bool is_quiet = false;
};

/// Runs `body` (which returns the exit code, agreed by all ranks under MPI) with the stop
/// handlers installed throughout — under MPI through MPI_Finalize, where a rank may wait
/// for the others and a default action would kill a finished rank; then ignores late stop
/// signals (SLURM's warning racing the last task has nothing left to stop) and ends the
/// program with the code. An exception from `body` reaches main() (one line, its code).
template <class Body>
void run_stoppable_command(Body&& body) {
  int code = exit_code::success;
  {
    StopSignalScope signals;
    code = body();
  }
  for (const int signal_number : {SIGTERM, SIGINT, SIGUSR1}) std::signal(signal_number, SIG_IGN);
  // MPI is finalised here (MpiSession is gone): now the exit code may unwind main().
  if (code != exit_code::success) throw ExitRequest{code};
}

/// run_stoppable_command for a body that starts MPI: a session that cannot start (e.g. no
/// MPI_THREAD_FUNNELED) is reported by every rank.
template <class Body>
void run_mpi_command(Body&& body) {
  run_stoppable_command([&] {
    try {
      return body();
    } catch (const std::exception& e) {
      fmt::print(stderr, "simorch: error: {}\n", e.what());
      return exit_code::runtime_failure;
    }
  });
}

}  // namespace simorch::cli
