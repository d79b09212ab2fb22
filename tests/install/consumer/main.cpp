// Uses an installed simorch the way a downstream program would: one call runs a batch of
// closed-loop simulations on a thread pool. Exit code 0 only if the results make sense.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <simorch/parallel/parallel_orchestrator.hpp>
#include <simorch/version.hpp>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  simorch::SimConfig config;
  config.dt = 0.01;
  config.duration = 1.0;
  config.save_every = 10;
  simorch::ControllerConfig lqr;
  lqr.kind = simorch::ControllerKind::lqr;

  std::vector<simorch::TaskSpec> tasks(8);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    tasks[i].id = 100 + i;
    tasks[i].initial_state[simorch::StateIndex::theta1] = 0.01 * static_cast<double>(i + 1);
  }

  const auto one = simorch::run_parallel_simulations(config, lqr, simorch::DipParams{}, tasks, 1);
  const auto two = simorch::run_parallel_simulations(config, lqr, simorch::DipParams{}, tasks, 2);

  check(two.size() == tasks.size(), "one result per task");
  check(two.count(simorch::TaskStatus::completed) == tasks.size(), "every task completed");
  check(two.num_samples() == 11, "11 trajectory samples (t = 0, 0.1, ..., 1.0)");
  for (std::size_t i = 0; i < two.size(); ++i) {
    const auto& s = two.summary(i);
    check(s.task_id == tasks[i].id, "results in task order");
    check(s.thread >= 0 && s.thread < 2, "thread index recorded");
    // LQR pulls the first link back towards upright: |θ1| shrinks over the second.
    check(std::abs(s.final_state[1]) < std::abs(tasks[i].initial_state[1]), "theta1 decays");
    check(std::memcmp(s.final_state, one.summary(i).final_state, sizeof s.final_state) == 0,
          "same final state with 1 and 2 threads");
  }
  check(std::memcmp(one.states().data(), two.states().data(), one.states().size_bytes()) == 0,
        "same trajectories with 1 and 2 threads");

  std::printf("simorch %s: %zu tasks, %zu completed, %d failed checks\n", simorch::version,
              two.size(), two.count(simorch::TaskStatus::completed), failures);
  return failures == 0 ? 0 : 1;
}
