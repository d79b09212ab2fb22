#pragma once

#include <cstdint>
#include <type_traits>

namespace simorch {

/// @file
/// Wire records of the dispatcher. Every message is a trivially copyable struct (or a
/// flat array after one) sent as MPI_BYTE: no Boost.Serialization on the hot path
/// (design.md, "Hot-path messages are plain structs"). All ranks run the same binary, so
/// layout and byte order match.

/// Tag of every message rank 0 sends to a worker rank (RootMessage).
inline constexpr int tag_to_worker = 101;
/// Tag of every message a worker rank sends to rank 0 (a WorkerHeader first). One tag for
/// all kinds keeps MPI's non-overtaking order: a worker's request, results and "drained"
/// arrive at rank 0 in the order they were sent.
inline constexpr int tag_to_root = 102;

/// What rank 0 tells a worker.
enum class RootCommand : std::int32_t {
  chunk = 1,  ///< run tasks [begin, end)
  drain = 2,  ///< a stop was requested: start no new task, send what is finished
  stop = 3,   ///< leave the loop; exit_code is the program's exit code
  /// monte_carlo.stop: group `begin` (case · points + point) stopped at sample `end`; the
  /// worker's pool returns that group's later samples as not_run without simulating them.
  group_stopped = 4,
};

/// Rank 0 → worker: one chunk or a control command.
struct RootMessage {
  RootCommand command = RootCommand::chunk;
  std::int32_t exit_code = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};
static_assert(std::is_trivially_copyable_v<RootMessage>);

/// What a worker tells rank 0.
enum class WorkerEvent : std::int32_t {
  request = 1,         ///< wants `chunks_wanted` more chunks
  results = 2,         ///< a result block follows the header
  stop_requested = 3,  ///< this rank caught SIGTERM/SIGINT/SIGUSR1
  drained = 4,         ///< after a drain: everything finished has been sent
};

/// Worker → rank 0: the first bytes of every message. A result message continues with
/// TaskSummary[num_summaries], then num_summaries·samples_per_task·6 state doubles, then
/// num_summaries·samples_per_task control doubles (ResultBlock).
struct alignas(64) WorkerHeader {
  WorkerEvent event = WorkerEvent::request;
  std::int32_t chunks_wanted = 0;
  std::uint64_t num_summaries = 0;
  std::int64_t samples_per_task = 0;
};
static_assert(std::is_trivially_copyable_v<WorkerHeader>);
static_assert(sizeof(WorkerHeader) == 64, "keeps the TaskSummary array after it aligned");

/// Longest host name carried in a RankReport (MPI_MAX_PROCESSOR_NAME in Open MPI).
inline constexpr int max_host_name = 256;

/// One rank's timing, gathered to rank 0 once at the end of a run.
struct RankReport {
  std::int32_t rank = 0;
  std::int32_t threads = 0;
  std::uint64_t tasks = 0;
  std::uint64_t simulated = 0;
  double compute_s = 0;
  double idle_s = 0;
  double comm_s = 0;
  double wall_s = 0;
  char host[max_host_name] = {};
};
static_assert(std::is_trivially_copyable_v<RankReport>);

}  // namespace simorch
