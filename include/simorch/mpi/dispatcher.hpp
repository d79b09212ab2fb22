#pragma once

#include <vector>

#include "simorch/run/dispatch.hpp"

namespace simorch::mpi {

// The run layer's types under their former names (code written against the MPI layer).
using simorch::BatchTaskFunction;
using simorch::DispatchOptions;
using simorch::DispatchOutcome;
using simorch::DispatchProgress;
using simorch::ResultSink;
using simorch::TaskFunction;

/// Runs every task of `pending` over all ranks of MPI_COMM_WORLD: rank 0 hands out
/// guided chunks on request (and feeds its own pool), each rank runs them on `threads`
/// pool threads, and rank 0's writer thread passes every result to `sink`.
///
/// Collective; call from the main thread of every rank. `pending` and `sink` are read on
/// rank 0 only (pass {} and nullptr elsewhere). Catches SIGTERM/SIGINT/SIGUSR1 on any
/// rank for its duration and then stops gracefully (exit_code 75).
DispatchOutcome run_dispatch(const std::vector<TaskRange>& pending, ResultSink* sink,
                             const TaskFunction& task, const DispatchOptions& options);

}  // namespace simorch::mpi
