// One whole task: 10 s closed loop, LQR on the `full` model, RK4 (and dp45 for
// comparison), without and with a saved trajectory. Reported per task and per control step.

#include <benchmark/benchmark.h>

#include <vector>

#include "simorch/sim/sequential_orchestrator.hpp"

namespace {

using namespace simorch;

void simulate(benchmark::State& bench, double dt, IntegratorKind kind, std::int64_t save_every) {
  SimConfig config;
  config.duration = 10.0;
  config.dt = dt;
  config.integrator.kind = kind;
  config.save_every = save_every;
  ControllerConfig lqr;
  lqr.kind = ControllerKind::lqr;
  const SequentialOrchestrator orchestrator(config, lqr, DipParams{});
  TaskSpec task;
  task.initial_state << 0.0, 0.1, -0.05, 0.0, 0.0, 0.0;
  std::vector<double> state(static_cast<std::size_t>(6 * config.num_samples()));
  std::vector<double> control(static_cast<std::size_t>(config.num_samples()));
  const TrajectoryOut out = save_every > 0 ? TrajectoryOut{state, control} : TrajectoryOut{};
  std::int64_t steps = 0;
  for (auto _ : bench) {
    const TaskSummary summary = orchestrator.run(task, out);
    if (summary.status != TaskStatus::completed) {
      bench.SkipWithError(summary.message);
      return;
    }
    steps += summary.steps;
    benchmark::DoNotOptimize(summary);
  }
  // Seconds of CPU per control period (printed with an SI suffix: "250n" is 250 ns).
  bench.counters["s_per_control_step"] = benchmark::Counter(
      static_cast<double>(steps), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK_CAPTURE(simulate, lqr_10s_rk4_dt_10ms, 1e-2, IntegratorKind::rk4, 0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(simulate, lqr_10s_rk4_dt_1ms, 1e-3, IntegratorKind::rk4, 0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(simulate, lqr_10s_dp45_dt_10ms, 1e-2, IntegratorKind::dp45, 0)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(simulate, lqr_10s_rk4_dt_1ms_saving_every_step, 1e-3, IntegratorKind::rk4, 1)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
