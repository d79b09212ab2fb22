#pragma once

#include "simorch/mpi/dispatcher.hpp"
#include "simorch/run/run_options.hpp"
#include "simorch/study/study.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch::mpi {

// The run layer's types under their former names (code written against the MPI layer).
using simorch::format_summary;
using simorch::RunOptions;
using simorch::RunReport;

/// Runs `study` over every rank of MPI_COMM_WORLD into one batch file.
///
/// Collective. Rank 0 opens the file (refusing an existing one for OpenMode::create),
/// every rank builds the orchestrator, the dispatcher runs every pending task, and rank 0
/// closes the file with this segment's timing. A failure during setup (file exists, bad
/// controller design, unwritable folder) throws the same CollectiveFailure on every rank.
/// When dispatch.is_abandoned, the file is closed and the caller must abort the job.
RunReport run_study(const StudyPlan& plan, const RunOptions& options);
/// A study without cases and grid (StudyPlan::single).
RunReport run_study(const Study& study, const RunOptions& options);

}  // namespace simorch::mpi
