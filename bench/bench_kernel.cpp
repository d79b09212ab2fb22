// The lockstep batch kernel against the scalar one-task path: ns per closed-loop step
// (controller + integrator step + metrics) for 10 s tasks at dt = 10 ms on the `full`
// model, 64 tasks per iteration from slightly different starts.
//
//   bench_kernel                               Google Benchmark cases
//   bench_kernel --count-task-steps=ISA,N      N tasks of 1,000 steps (LQR, RK4) on one ISA
//                                              (sse2|avx2|avx512|scalar), no framework: run
//                                              under callgrind at two N and subtract
//                                              (bench/README.md, "Batch kernel")
//   bench_kernel --print-lqr-gain              the LQR gain of the default study (for the
//                                              numba peer, bench/peers/), comma-separated

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "control/closed_loop.hpp"
#include "simorch/control/lqr_design.hpp"
#include "simorch/sim/batch_kernel.hpp"

namespace {

using namespace simorch;

constexpr std::size_t num_tasks = 64;

/// The gains the control tests found stabilising on `full` (tests/control/closed_loop.cpp).
ControllerConfig controller_for(ControllerKind kind) {
  return test::found_config(kind);
}

/// `rtol` (atol = rtol/1000) matters for dp45 only.
SimConfig sim_config(IntegratorKind integrator, double rtol = 1e-6) {
  SimConfig config;
  config.duration = 10.0;
  config.dt = 0.01;
  config.integrator.kind = integrator;
  config.integrator.rtol = rtol;
  config.integrator.atol = rtol * 1e-3;
  return config;
}

std::vector<TaskSpec> make_tasks() {
  std::vector<TaskSpec> tasks(num_tasks);
  for (std::size_t i = 0; i < num_tasks; ++i) {
    tasks[i].id = i;
    const double f = static_cast<double>(i) / static_cast<double>(num_tasks);
    tasks[i].initial_state << 0.0, 0.05 + 0.05 * f, -0.05 + 0.02 * f, 0.0, 0.0, 0.0;
  }
  return tasks;
}

/// ns per control step over all tasks; `isa` < 0 runs the scalar SequentialOrchestrator.
void closed_loop(benchmark::State& bench, ControllerKind kind, IntegratorKind integrator, int isa,
                 double rtol = 1e-6) {
  const bool is_scalar = isa < 0;
  const auto kernel_isa = static_cast<KernelIsa>(is_scalar ? 0 : isa);
  if (!is_supported(kernel_isa)) {
    bench.SkipWithError("ISA not supported by this CPU");
    return;
  }
  const BatchKernel kernel(sim_config(integrator, rtol), controller_for(kind), DipParams{},
                           kernel_isa);
  const std::vector<TaskSpec> tasks = make_tasks();
  std::vector<TaskSummary> summaries(num_tasks);
  std::int64_t steps = 0, sub_steps = 0;
  for (auto _ : bench) {
    if (is_scalar) {
      for (std::size_t i = 0; i < num_tasks; ++i) summaries[i] = kernel.scalar().run(tasks[i]);
    } else {
      kernel.run(tasks, summaries);
    }
    for (const TaskSummary& s : summaries) {
      steps += s.steps;
      sub_steps += s.integrator_steps + s.rejected_steps;
    }
    benchmark::DoNotOptimize(summaries.data());
  }
  // dp45: integrator steps (accepted + rejected) per control period; 1 for euler and rk4.
  bench.counters["sub_steps_per_period"] =
      static_cast<double>(sub_steps) / static_cast<double>(steps > 0 ? steps : 1);
  bench.counters["s_per_control_step"] = benchmark::Counter(
      static_cast<double>(steps), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  bench.SetLabel(is_scalar ? "scalar" : kernel.info().isa);
}

constexpr int scalar = -1;
constexpr int sse2 = static_cast<int>(KernelIsa::sse2);
constexpr int avx2 = static_cast<int>(KernelIsa::avx2);
constexpr int avx512 = static_cast<int>(KernelIsa::avx512);

#define SIMORCH_KERNEL_CASE(name, kind, integrator, isa)                                      \
  BENCHMARK_CAPTURE(closed_loop, name, ControllerKind::kind, IntegratorKind::integrator, isa) \
      ->Unit(benchmark::kMicrosecond)

SIMORCH_KERNEL_CASE(lqr_rk4_scalar, lqr, rk4, scalar);
SIMORCH_KERNEL_CASE(lqr_rk4_sse2, lqr, rk4, sse2);
SIMORCH_KERNEL_CASE(lqr_rk4_avx2, lqr, rk4, avx2);
SIMORCH_KERNEL_CASE(lqr_rk4_avx512, lqr, rk4, avx512);
SIMORCH_KERNEL_CASE(classical_smc_rk4_avx512, classical_smc, rk4, avx512);
SIMORCH_KERNEL_CASE(sta_smc_rk4_avx512, sta_smc, rk4, avx512);
SIMORCH_KERNEL_CASE(adaptive_smc_rk4_avx512, adaptive_smc, rk4, avx512);
SIMORCH_KERNEL_CASE(classical_smc_rk4_avx2, classical_smc, rk4, avx2);
SIMORCH_KERNEL_CASE(sta_smc_rk4_avx2, sta_smc, rk4, avx2);
SIMORCH_KERNEL_CASE(adaptive_smc_rk4_avx2, adaptive_smc, rk4, avx2);
SIMORCH_KERNEL_CASE(lqr_euler_avx512, lqr, euler, avx512);
// dp45 (default tolerances, a few sub-steps per period): lockstep against its scalar path.
SIMORCH_KERNEL_CASE(lqr_dp45_scalar, lqr, dp45, scalar);
SIMORCH_KERNEL_CASE(lqr_dp45_sse2, lqr, dp45, sse2);
SIMORCH_KERNEL_CASE(lqr_dp45_avx2, lqr, dp45, avx2);
SIMORCH_KERNEL_CASE(lqr_dp45_avx512, lqr, dp45, avx512);
// dp45 at rtol 1e-10: several sub-steps per period, differing between lanes (the lockstep
// batch runs as many as its slowest lane needs).
#define SIMORCH_DP45_TIGHT_CASE(name, isa)                                                    \
  BENCHMARK_CAPTURE(closed_loop, name, ControllerKind::lqr, IntegratorKind::dp45, isa, 1e-10) \
      ->Unit(benchmark::kMicrosecond)
SIMORCH_DP45_TIGHT_CASE(lqr_dp45_tight_scalar, scalar);
SIMORCH_DP45_TIGHT_CASE(lqr_dp45_tight_avx2, avx2);
SIMORCH_DP45_TIGHT_CASE(lqr_dp45_tight_avx512, avx512);

/// Exactly `n` 1,000-step LQR/RK4 tasks through one path, for instruction counting.
int count_task_steps(const char* spec) {
  const std::string text(spec);
  const auto comma = text.find(',');
  const std::string isa_name = text.substr(0, comma);
  const long n = comma == std::string::npos ? 0 : std::atol(text.c_str() + comma + 1);
  const std::optional<KernelIsa> isa = parse_kernel_isa(isa_name);
  if ((!isa && isa_name != "scalar") || n <= 0 || (isa && !is_supported(*isa))) {
    std::fprintf(stderr, "usage: --count-task-steps=sse2|avx2|avx512|scalar,N (supported ISA)\n");
    return 2;
  }
  const BatchKernel kernel(sim_config(IntegratorKind::rk4), controller_for(ControllerKind::lqr),
                           DipParams{}, isa.value_or(KernelIsa::sse2));
  std::vector<TaskSpec> tasks(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    tasks[i].id = i;
    tasks[i].initial_state << 0.0, 0.1, -0.05, 0.0, 0.0, 0.0;
  }
  std::vector<TaskSummary> summaries(tasks.size());
  if (isa) {
    kernel.run(tasks, summaries);
  } else {
    for (std::size_t i = 0; i < tasks.size(); ++i) summaries[i] = kernel.scalar().run(tasks[i]);
  }
  std::int64_t steps = 0;
  for (const TaskSummary& s : summaries) steps += s.steps;
  std::printf("%s: %ld tasks, %lld task-steps\n", isa_name.c_str(), n,
              static_cast<long long>(steps));
  return 0;
}

/// K of the default LQR design on the nominal `full` model, as the numba peer needs it.
int print_lqr_gain() {
  const ControllerConfig lqr;
  const Eigen::Matrix<double, 6, 1> q = Eigen::Map<const Eigen::Matrix<double, 6, 1>>(lqr.q.data());
  const LqrDesign design = design_lqr(DipModel(ModelKind::full, DipParams{}).linearize(), q, lqr.r);
  for (int j = 0; j < 6; ++j) std::printf("%s%.17g", j == 0 ? "" : ",", design.gain[j]);
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr const char* count_flag = "--count-task-steps=";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--print-lqr-gain") == 0) return print_lqr_gain();
    if (std::strncmp(argv[i], count_flag, std::strlen(count_flag)) == 0) {
      return count_task_steps(argv[i] + std::strlen(count_flag));
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
