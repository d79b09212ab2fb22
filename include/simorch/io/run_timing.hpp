#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "simorch/io/batch_schema.hpp"

namespace simorch {

/// Wall-clock Unix time [s]: the clock of every *_unix_s field (the one definition).
inline double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// How a run segment ended.
enum class RunOutcome : std::int32_t { complete = 0, interrupted = 1 };

/// "complete" or "interrupted", as the run_state of a file the segment closed.
inline std::string_view to_string(RunOutcome outcome) noexcept {
  return outcome == RunOutcome::complete ? run_state::complete : run_state::interrupted;
}

/// One rank's time in one run segment (a row of /timing/ranks).
struct RankTiming {
  std::int32_t rank = 0;
  std::string host;
  std::int32_t threads = 0;
  std::uint64_t tasks = 0;      ///< tasks its pool handled
  double compute_s = 0;         ///< Σ task time of this rank's threads
  double idle_s = 0;            ///< Σ time this rank's threads waited for work
  double comm_s = 0;            ///< main thread time inside MPI calls
  double wall_s = 0;            ///< this rank's time from start of dispatch to end
  std::uint64_t simulated = 0;  ///< of `tasks`, those simulated (not skipped past a stop)
};

/// One pool thread's time in one run segment (a row of /timing/threads).
struct ThreadTiming {
  std::int32_t rank = 0;
  std::int32_t thread = 0;
  std::uint64_t tasks = 0;
  double busy_s = 0;
};

/// One run segment: a `simorch run` from start to its end or interruption. A resumed
/// study has several; the scaling analysis reads them (docs/hdf5-schema.md, /timing).
struct SegmentTiming {
  std::int32_t segment = 0;  ///< 0 for the first run, +1 per resume
  double start_unix_s = 0;
  double end_unix_s = 0;
  double wall_s = 0;      ///< whole segment on rank 0
  double setup_s = 0;     ///< serial part before dispatch (parse, open file, broadcast)
  double finalize_s = 0;  ///< serial part after the last result (flush, close)
  std::int32_t ranks = 1;
  std::int32_t threads_per_rank = 1;
  std::uint64_t tasks_done = 0;  ///< tasks finished in this segment
  RunOutcome outcome = RunOutcome::complete;
  /// The batch kernel rank 0 ran (docs/kernel.md), e.g. "avx512 x16; SLEEF 3.5.1
  /// finz_sincos u35; numerics sleef-fma"; empty in files of earlier versions.
  std::string kernel;
  std::vector<RankTiming> rank_timing;
  std::vector<ThreadTiming> thread_timing;
};

/// The fields a record shares by name with its table row, its journal copy and its MPI
/// report, as one list per record: `segment_fields(to) = segment_fields(from)` copies them either
/// way. (The segment index of rank/thread rows, the host text and the outcome differ in type.)
template <class Record>
auto segment_fields(Record& r) {
  return std::tie(r.segment, r.start_unix_s, r.end_unix_s, r.wall_s, r.setup_s, r.finalize_s,
                  r.ranks, r.threads_per_rank, r.tasks_done);
}
template <class Record>
auto rank_fields(Record& r) {
  return std::tie(r.rank, r.threads, r.tasks, r.simulated, r.compute_s, r.idle_s, r.comm_s,
                  r.wall_s);
}
template <class Record>
auto thread_fields(Record& r) {
  return std::tie(r.rank, r.thread, r.tasks, r.busy_s);
}

}  // namespace simorch
