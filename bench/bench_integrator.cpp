// One integrator step of each model, and a fixed-count mode for instruction counting.
//
//   bench_integrator                         Google Benchmark cases (ns per step)
//   bench_integrator --count-rk4-steps=N     exactly N RK4 steps of `full`, no framework:
//                                            run under callgrind at two N and subtract
//                                            (bench/README.md, "Sequential core")

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "simorch/integrate/integrator.hpp"

namespace {

using simorch::AdvanceStatus;
using simorch::DipModel;
using simorch::DipParams;
using simorch::Integrator;
using simorch::IntegratorKind;
using simorch::IntegratorOptions;
using simorch::ModelKind;
using simorch::State;

/// A tilted, moving state near upright, where a controlled pendulum spends its time.
State start_state() {
  State x;
  x << 0.05, 0.1, -0.08, 0.2, -0.3, 0.25;
  return x;
}

/// Every iteration restarts from the same state so each step costs the same (the trig
/// functions' cost depends on the argument) and the figure does not drift with the motion.
void step_from_start(benchmark::State& bench, ModelKind model_kind, IntegratorKind kind,
                     double dt) {
  const DipModel model(model_kind, DipParams{});
  IntegratorOptions options;
  options.kind = kind;
  Integrator integrator(options);
  const State x0 = start_state();
  for (auto _ : bench) {
    State x = x0;
    const AdvanceStatus status = integrator.advance(model, x, 1.0, dt);
    benchmark::DoNotOptimize(x);
    benchmark::DoNotOptimize(status);
  }
  bench.counters["integrator_steps_per_call"] = benchmark::Counter(
      static_cast<double>(integrator.counts().accepted + integrator.counts().rejected) /
      static_cast<double>(bench.iterations()));
}

void BM_rk4_step_full(benchmark::State& s) {
  step_from_start(s, ModelKind::full, IntegratorKind::rk4, 1e-3);
}
void BM_rk4_step_simplified(benchmark::State& s) {
  step_from_start(s, ModelKind::simplified, IntegratorKind::rk4, 1e-3);
}
void BM_euler_step_full(benchmark::State& s) {
  step_from_start(s, ModelKind::full, IntegratorKind::euler, 1e-3);
}
/// One 10 ms control period of dp45 at the default tolerances (several sub-steps).
void BM_dp45_period_full(benchmark::State& s) {
  step_from_start(s, ModelKind::full, IntegratorKind::dp45, 1e-2);
}

void BM_derivative_full(benchmark::State& bench) {
  const DipModel model(ModelKind::full, DipParams{});
  State x = start_state();
  for (auto _ : bench) {
    benchmark::DoNotOptimize(x);
    State xdot = model.derivative(x, 1.0);
    benchmark::DoNotOptimize(xdot);
  }
}

BENCHMARK(BM_rk4_step_full);
BENCHMARK(BM_rk4_step_simplified);
BENCHMARK(BM_euler_step_full);
BENCHMARK(BM_dp45_period_full);
BENCHMARK(BM_derivative_full);

/// Exactly `steps` RK4 steps of `full` (the same work as BM_rk4_step_full's loop body).
int count_rk4_steps(long steps) {
  const DipModel model(ModelKind::full, DipParams{});
  Integrator integrator(IntegratorOptions{IntegratorKind::rk4});
  const State x0 = start_state();
  double sink = 0.0;
  for (long k = 0; k < steps; ++k) {
    State x = x0;
    integrator.advance(model, x, 1.0, 1e-3);
    benchmark::DoNotOptimize(x);
    sink += x[0];
  }
  std::printf("%ld rk4 steps, checksum %.17g\n", steps, sink);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr const char* count_flag = "--count-rk4-steps=";
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], count_flag, std::strlen(count_flag)) == 0) {
      return count_rk4_steps(std::atol(argv[i] + std::strlen(count_flag)));
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
