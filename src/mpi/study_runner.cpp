#include "simorch/mpi/study_runner.hpp"

#include <boost/mpi/collectives/all_reduce.hpp>
#include <boost/mpi/communicator.hpp>
#include <memory>
#include <optional>

#include "run/stop_gate.hpp"
#include "simorch/mpi/collective_failure.hpp"
#include "simorch/mpi/rank_cores.hpp"
#include "simorch/run/guided_scheduler.hpp"
#include "simorch/run/stop_signal.hpp"
#include "simorch/run/study_setup.hpp"

namespace simorch::mpi {
RunReport run_study(const Study& study, const RunOptions& options) {
  return run_study(StudyPlan::single(study), options);
}

RunReport run_study(const StudyPlan& plan, const RunOptions& options) {
  const Study& study = plan.base();
  boost::mpi::communicator world;
  const bool is_root = world.rank() == 0;
  const double start_unix_s =
      options.command_start_unix_s > 0 ? options.command_start_unix_s : simorch::unix_now();
  StopSignalScope signals;  // a signal during setup still ends in an orderly stop

  RunReport report;
  report.output = options.output.empty() ? study.output.path : options.output;
  report.num_tasks = plan.num_tasks();
  const RankCores cores = query_rank_cores();
  report.threads = simorch::detail::resolve_threads(study, options, cores);
  const bool is_overbooked_here = report.threads > cores.affinity_cores;
  int is_overbooked = is_overbooked_here ? 1 : 0;
  boost::mpi::all_reduce(world, boost::mpi::inplace(is_overbooked), boost::mpi::maximum<int>());
  if (is_root && is_overbooked) {
    if (auto warning = simorch::detail::overbooking_warning(report.threads, cores, true)) {
      report.warnings.push_back(*warning);
      if (options.on_warning) options.on_warning(*warning);
    }
  }

  DispatchOptions dispatch = simorch::detail::make_dispatch_options(study, options, report.threads);
  // Bad settings and a bad controller design are refused before the file exists.
  run_collectively([&] { (void)GuidedScheduler({}, {1, dispatch.min_chunk, dispatch.max_chunk}); });
  // Every rank runs the same numerics (docs/kernel.md): AVX2 and AVX-512 give the same
  // bits, SSE2 (SLEEF without FMA) does not, so one rank without AVX2 puts all on SSE2.
  int local_isa = 0;
  run_collectively([&] { local_isa = static_cast<int>(selected_kernel_isa()); });
  int narrowest_isa = local_isa;
  boost::mpi::all_reduce(world, boost::mpi::inplace(narrowest_isa), boost::mpi::minimum<int>());
  const KernelIsa isa = narrowest_isa == static_cast<int>(KernelIsa::sse2)
                            ? KernelIsa::sse2
                            : static_cast<KernelIsa>(local_isa);
  simorch::detail::StudyTasks tasks;
  run_collectively([&] { tasks = simorch::detail::make_study_tasks(plan, isa); });
  const TaskFunction& task = tasks.task;
  dispatch.batch_width = tasks.width;
  dispatch.batch_task = tasks.batch;
  dispatch.stop_board = tasks.board.get();
  report.kernel = describe(tasks.kernel);
  simorch::detail::bound_chunks_for_stop(
      plan, static_cast<std::uint64_t>(world.size()) * static_cast<std::uint64_t>(report.threads),
      dispatch);
  std::unique_ptr<BatchWriter> writer;
  std::vector<TaskRange> pending;
  std::optional<simorch::detail::StopGate> gate;  // rank 0: one byte per task with a stop
  run_collectively([&] {
    if (!is_root) return;
    simorch::detail::check_output_space(plan, options, report);
    writer = simorch::detail::open_output(report.output, plan, options.mode);
    simorch::detail::check_resume_numerics(*writer, tasks.kernel, report.output);
    pending = writer->pending();
    report.done_before = writer->num_done();
    gate.emplace(plan);
    simorch::detail::follow_stop(*gate, *writer, dispatch, tasks.board);
  });
  std::optional<simorch::detail::BatchSink> sink;
  if (is_root) sink.emplace(*writer);
  const double setup_s = simorch::unix_now() - start_unix_s;

  report.dispatch = run_dispatch(pending, is_root ? &*sink : nullptr, task, dispatch);
  report.exit_code = report.dispatch.exit_code;

  if (is_root) simorch::detail::fill_timing(report, *writer, start_unix_s, setup_s);
  if (report.dispatch.is_abandoned) {
    // Other ranks no longer answer: no collective step; close what we have and let the
    // caller abort the job.
    if (is_root) {
      try {
        writer->close(report.timing);
      } catch (...) {
      }
    }
    return report;
  }
  run_collectively([&] {
    if (is_root) writer->close(report.timing);
  });
  return report;
}

}  // namespace simorch::mpi
