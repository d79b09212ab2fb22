#include "simorch/run/in_process.hpp"

#include <cstdlib>
#include <optional>

#include "simorch/error.hpp"
#include "simorch/run/cores.hpp"
#include "simorch/run/guided_scheduler.hpp"
#include "simorch/run/root_loop.hpp"
#include "simorch/run/stop_gate.hpp"
#include "simorch/run/stop_signal.hpp"
#include "simorch/run/study_setup.hpp"

namespace simorch {

bool is_started_by_mpi_launcher() noexcept {
  // Open MPI (mpirun, and srun through PMIx), PMIx and PMI-1/2 (MPICH's hydra, srun
  // --mpi=pmi2), MPICH/Intel MPI's own. Not SLURM_PROCID: a batch script has it too.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                           "PMI_SIZE", "PMI_FD", "MPI_LOCALRANKID", "HYDI_CONTROL_FD"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

RunReport run_study_in_process(const Study& study, const RunOptions& options) {
  return run_study_in_process(StudyPlan::single(study), options);
}

RunReport run_study_in_process(const StudyPlan& plan, const RunOptions& options) {
  const Study& study = plan.base();
  const double start_unix_s =
      options.command_start_unix_s > 0 ? options.command_start_unix_s : unix_now();
  std::optional<StopSignalScope> signals;  // from the start: a signal in setup stops in order
  if (options.is_catching_signals) signals.emplace();

  RunReport report;
  report.output = options.output.empty() ? study.output.path : options.output;
  report.num_tasks = plan.num_tasks();
  const RankCores cores = query_cores(1);
  report.threads = detail::resolve_threads(study, options, cores);
  if (auto warning = detail::overbooking_warning(report.threads, cores, false)) {
    report.warnings.push_back(*warning);
    if (options.on_warning) options.on_warning(*warning);
  }
  DispatchOptions dispatch = detail::make_dispatch_options(study, options, report.threads);
  const auto total_threads = static_cast<std::uint64_t>(report.threads);
  // Bad settings and a bad controller design are refused before the file exists.
  (void)GuidedScheduler({}, detail::make_schedule(dispatch, total_threads));
  const detail::StudyTasks tasks = detail::make_study_tasks(plan, selected_kernel_isa());
  const TaskFunction& task = tasks.task;
  dispatch.batch_width = tasks.width;
  dispatch.batch_task = tasks.batch;
  report.kernel = describe(tasks.kernel);
  detail::bound_chunks_for_stop(plan, total_threads, dispatch);

  detail::check_output_space(plan, options, report);
  const auto writer = detail::open_output(report.output, plan, options.mode);
  detail::check_resume_numerics(*writer, tasks.kernel, report.output);
  const std::vector<TaskRange> pending = writer->pending();
  report.done_before = writer->num_done();
  detail::StopGate gate(plan);
  detail::follow_stop(gate, *writer, dispatch);
  detail::BatchSink sink(*writer);
  const double setup_s = unix_now() - start_unix_s;

  detail::NoRemoteWorkers no_workers;
  report.dispatch =
      detail::RootLoop(no_workers, pending, sink, task, dispatch, total_threads, host_name()).run();
  report.dispatch.ranks = 1;
  report.dispatch.total_threads = report.threads;
  report.exit_code = report.dispatch.exit_code;
  detail::fill_timing(report, *writer, start_unix_s, setup_s);
  if (report.dispatch.is_abandoned) {
    // A task does not end; the file still closes as interrupted (resumable).
    try {
      writer->close(report.timing);
    } catch (const std::exception&) {
    }
    return report;
  }
  writer->close(report.timing);
  return report;
}

}  // namespace simorch
