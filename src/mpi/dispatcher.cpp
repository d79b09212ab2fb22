#include "simorch/mpi/dispatcher.hpp"

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include "dispatch_common.hpp"
#include "mpi_channel.hpp"
#include "mpi_workers.hpp"
#include "run/root_loop.hpp"
#include "simorch/error.hpp"
#include "simorch/mpi/mpi_session.hpp"
#include "simorch/run/guided_scheduler.hpp"
#include "simorch/run/stop_signal.hpp"
#include "worker_loop.hpp"

namespace simorch::mpi {

DispatchOutcome run_dispatch(const std::vector<TaskRange>& pending, ResultSink* sink,
                             const TaskFunction& task, const DispatchOptions& options) {
  if (options.threads < 1) {
    throw ConfigError("execution.threads", std::to_string(options.threads), "an integer >= 1");
  }
  // Every rank checks the same options, so a bad value fails on all ranks alike.
  (void)GuidedScheduler({}, simorch::detail::make_schedule(options, 1));
  StopSignalScope signals;
  detail::MpiChannel channel;
  if (channel.rank() == 0 && sink == nullptr) {
    throw std::invalid_argument("run_dispatch: rank 0 needs a result sink");
  }
  const auto total_threads = static_cast<std::uint64_t>(channel.sum_over_ranks(options.threads));
  DispatchOutcome outcome;
  try {
    if (channel.rank() == 0) {
      detail::MpiWorkers workers(channel);
      outcome = simorch::detail::RootLoop(workers, pending, *sink, task, options, total_threads,
                                          processor_name())
                    .run();
    } else {
      outcome = detail::WorkerLoop(channel, task, options).run();
    }
  } catch (const std::exception& e) {
    // The other ranks wait for this one inside the protocol: no way back but ending the
    // job (mpirun then reports it), rather than a hang.
    std::fprintf(stderr, "simorch: rank %d: fatal: %s\n", channel.rank(), e.what());
    abort_all_ranks(exit_code::runtime_failure);
  }
  outcome.ranks = channel.size();
  outcome.total_threads = static_cast<int>(total_threads);
  return outcome;
}

}  // namespace simorch::mpi
