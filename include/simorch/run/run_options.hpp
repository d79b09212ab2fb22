#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "simorch/io/batch_writer.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/run/dispatch.hpp"

namespace simorch {

/// How `simorch run` runs a study (in process or over MPI, then equal on every rank).
struct RunOptions {
  std::filesystem::path output;      ///< empty: the study's output.path
  OpenMode mode = OpenMode::create;  ///< create, --force (create_overwrite) or --resume
  int threads = 0;                   ///< 0: execution.threads, else the launcher's cores
  std::uint64_t min_chunk = 0;       ///< 0: execution.min_chunk
  std::uint64_t max_chunk = 0;       ///< 0: execution.max_chunk
  double command_start_unix_s = 0;   ///< when the command started (for setup_s); 0: now
  std::function<void(const DispatchProgress&)> on_progress;  ///< rank 0; may be empty
  /// Rank 0, before dispatch: a warning worth showing at once (also kept in RunReport).
  std::function<void(const std::string&)> on_warning;
  /// Rank 0; may be empty: polled every ~50 ms by the thread that waits for results;
  /// true stops the run like SIGINT (exit code 75, the file is resumable).
  std::function<bool()> should_stop;
  /// Catch SIGTERM/SIGINT/SIGUSR1 for the run (StopSignalScope). A host that handles
  /// signals itself (Python) passes false and stops through should_stop.
  bool is_catching_signals = true;
  /// Refuse a run whose estimated output and journal exceed the free space of the output's
  /// file system, warn above half of it (--skip-space-check turns this off).
  bool is_checking_space = true;
};

/// What a run did. Fields marked "rank 0" are only meaningful there.
struct RunReport {
  int exit_code = 0;  ///< the same on every rank: 0, 75 (interrupted), 1
  std::filesystem::path output;
  int threads = 1;                    ///< pool threads of this rank
  std::uint64_t num_tasks = 0;        ///< tasks in the study
  std::uint64_t done_before = 0;      ///< rank 0: tasks finished by earlier segments (resume)
  std::vector<std::string> warnings;  ///< rank 0: e.g. more threads than bound cores
  SegmentTiming timing;               ///< rank 0: what went to /timing
  DispatchOutcome dispatch;
};

/// The end-of-run lines for rank 0: tasks by status, wall time, utilisation
/// Σ busy / (cores · wall), where the results are, and how to resume if interrupted.
std::string format_summary(const RunReport& report);

}  // namespace simorch
