#pragma once

#include "simorch/run/run_options.hpp"
#include "simorch/study/study.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch {

/// Whether an MPI launcher (mpirun, mpiexec, srun --mpi, hydra) started this process,
/// judged by the launchers' own variables (OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_RANK, …).
/// SLURM_PROCID does not count: a plain batch shell has it too.
bool is_started_by_mpi_launcher() noexcept;

/// Runs `study` in this process — one pool of threads and the batch writer, no MPI —
/// into the same file, with the same results (bitwise), resume and --force rules and
/// /timing records as the MPI runner with one rank.
///
/// Throws IoError/ConfigError for a refused setup (file exists, bad controller design).
/// Catches SIGTERM/SIGINT/SIGUSR1 for its duration when options.is_catching_signals; a
/// stop (signal or options.should_stop) ends with exit code 75 and a resumable file.
/// When report.dispatch.is_abandoned, a task outlived execution.stop_timeout_s: the file
/// is closed and resumable, and the abandoned threads own what they still use.
RunReport run_study_in_process(const StudyPlan& plan, const RunOptions& options);
/// A study without cases and grid (StudyPlan::single).
RunReport run_study_in_process(const Study& study, const RunOptions& options);

}  // namespace simorch
