#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "simorch/io/batch_writer.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/mpi/dispatcher.hpp"
#include "simorch/study/study.hpp"

namespace simorch::mpi {

/// How `simorch run` runs a study; equal on every rank.
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
  std::string kernel;                 ///< the batch kernel this rank ran (describe())
  DispatchOutcome dispatch;
};

/// Runs `study` over every rank of MPI_COMM_WORLD into one batch file.
///
/// Collective. Rank 0 opens the file (refusing an existing one for OpenMode::create),
/// every rank builds the orchestrator, the dispatcher runs every pending task, and rank 0
/// closes the file with this segment's timing. A failure during setup (file exists, bad
/// controller design, unwritable folder) throws the same CollectiveFailure on every rank.
/// When dispatch.is_abandoned, the file is closed and the caller must abort the job.
RunReport run_study(const Study& study, const RunOptions& options);

/// The end-of-run lines for rank 0: tasks by status, wall time, utilisation
/// Σ busy / (cores · wall), where the results are, and how to resume if interrupted.
std::string format_summary(const RunReport& report);

}  // namespace simorch::mpi
