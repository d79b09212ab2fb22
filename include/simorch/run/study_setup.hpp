#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "simorch/io/batch_writer.hpp"
#include "simorch/run/cores.hpp"
#include "simorch/run/dispatch.hpp"
#include "simorch/run/run_options.hpp"
#include "simorch/sim/batch_kernel.hpp"
#include "simorch/study/study.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch::detail {

/// @file
/// The steps of running a study that the in-process and the MPI runner share.

/// Opens the batch file for `mode` (BatchWriter decides what create, resume and force
/// accept), after creating the output's folder.
std::unique_ptr<BatchWriter> open_output(const std::filesystem::path& path, const StudyPlan& plan,
                                         OpenMode mode);

/// Rank 0, before open_output: the space check of options.is_checking_space. A warning
/// goes to report.warnings and options.on_warning; a run that does not fit throws
/// IoError (bad input) naming both figures.
void check_output_space(const StudyPlan& plan, const RunOptions& options, RunReport& report);

/// --threads, else execution.threads, else the launcher's cores.
int resolve_threads(const Study& study, const RunOptions& options, const RankCores& cores);

/// The warning when `threads` exceed the cores this process is bound to (or, with
/// `is_elsewhere`, those of another rank); nothing when they fit.
std::optional<std::string> overbooking_warning(int threads, const RankCores& cores,
                                               bool is_elsewhere);

/// The dispatcher's settings from the study and the command line (the command line wins).
DispatchOptions make_dispatch_options(const Study& study, const RunOptions& options, int threads);

/// The plan's tasks on the batch kernel (docs/kernel.md): one task at a time (padded, so
/// its bits match a batch's) and batches of the kernel's width. One kernel per kernel
/// identity (the simulation, controller and nominal plant of a case at a grid point); a
/// batch spanning several is split into one padded group per kernel, so a task's bits do
/// not depend on its neighbours. Both functions own a copy of the plan and the kernels,
/// so pool threads never reach the caller's stack.
struct StudyTasks {
  TaskFunction task;
  BatchTaskFunction batch;
  std::uint64_t width = 1;  ///< the widest kernel's batch width
  KernelInfo kernel;        ///< of the first case's kernel
  std::size_t num_kernels = 1;
};

/// Builds the kernels for `isa` (throws for a bad controller design) and the functions.
StudyTasks make_study_tasks(const StudyPlan& plan, KernelIsa isa);
StudyTasks make_study_tasks(const Study& study, KernelIsa isa);

/// Refuses to resume a file whose earlier segments ran with other numerics: the finished
/// rows would not be bitwise what an uninterrupted run gives (docs/kernel.md). Segments
/// killed before they closed recorded no kernel and are not checked.
void check_resume_numerics(const BatchWriter& writer, const KernelInfo& info,
                           const std::filesystem::path& path);

class StopGate;

/// Rank 0, after open_output: with monte_carlo.stop, feeds the tasks the file already holds
/// into `gate` (a --resume continues the same decisions) and hands the gate to the
/// dispatcher; nothing without a stop rule.
void follow_stop(StopGate& gate, const BatchWriter& writer, DispatchOptions& dispatch);

/// With monte_carlo.stop, lowers the largest chunk to about one look's tasks per thread
/// (check_every · groups / (2 · total_threads), at least one kernel batch), so that tasks
/// run before a stop is known waste at most about one look per group. Call on every rank
/// with the same arguments (the options must match across ranks).
void bound_chunks_for_stop(const StudyPlan& plan, std::uint64_t total_threads,
                           DispatchOptions& dispatch);

/// Rank 0's BatchWriter behind the dispatcher's writer thread.
class BatchSink final : public ResultSink {
 public:
  explicit BatchSink(BatchWriter& writer) : writer_(writer) {}
  void write(std::span<const TaskSummary> summaries, std::span<const double> states,
             std::span<const double> controls) override {
    writer_.write(summaries, states, controls);
  }
  void checkpoint() override { writer_.checkpoint(); }

 private:
  BatchWriter& writer_;
};

/// Fills report.timing (this segment's /timing) from the dispatch outcome.
void fill_timing(RunReport& report, const BatchWriter& writer, double start_unix_s, double setup_s);

}  // namespace simorch::detail
