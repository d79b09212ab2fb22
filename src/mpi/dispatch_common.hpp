#pragma once
// Pieces both sides of the dispatcher use (rank 0's RootLoop and the WorkerLoop).

#include <vector>

#include "mpi_channel.hpp"
#include "run/local_runner.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/run/dispatch.hpp"

namespace simorch::mpi::detail {

using simorch::unix_now;
using simorch::detail::chunks_per_rank;
using simorch::detail::Clock;
using simorch::detail::LocalRunner;
using simorch::detail::RankAccount;
using simorch::detail::seconds_since;

/// Collective: gathers every rank's timing row (`mine`) and pool-thread rows into
/// `outcome` on rank 0 (plain structs as bytes).
void gather_rank_timing(MpiChannel& channel, const RankTiming& mine,
                        const std::vector<ThreadTiming>& my_threads, DispatchOutcome& outcome);

}  // namespace simorch::mpi::detail
