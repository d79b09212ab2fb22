#pragma once
// Pieces both sides of the dispatcher use (rank 0's RootLoop and the WorkerLoop).

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "local_runner.hpp"
#include "mpi_channel.hpp"
#include "simorch/mpi/dispatcher.hpp"
#include "simorch/mpi/guided_scheduler.hpp"

namespace simorch::mpi::detail {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Chunks in a rank's pool at once: the running one and one prefetched, so a worker never
/// waits for rank 0's reply between chunks.
inline constexpr std::size_t chunks_per_rank = 2;

/// The guided schedule of `options`, with max_chunk lowered so that one chunk's result
/// block fits options.max_chunk_bytes (trajectories make tasks big).
GuidedSchedule make_schedule(const DispatchOptions& options, std::uint64_t total_threads);

/// What a rank did, for its timing row.
struct RankAccount {
  std::uint64_t tasks = 0;
  double wall_s = 0;
};

/// Collective: gathers every rank's timing row and pool-thread rows into `outcome` on
/// rank 0 (plain structs as bytes).
void gather_timing(MpiChannel& channel, const LocalRunner& local, const RankAccount& account,
                   DispatchOutcome& outcome);

}  // namespace simorch::mpi::detail
