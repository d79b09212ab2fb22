// How much a sampling design buys for a smooth metric: the mean ISE of an LQR study with
// six sampled dimensions (θ1, θ2 starts; two masses, two lengths at ±10 %), estimated by
// R independent replicates of N samples under each design (seeds for `random`,
// permutations for `lhs`, scramblings for `sobol`). Each design's estimator is unbiased,
// so the standard deviation of its replicate means is its RMS error.
//
//   design_accuracy [--samples N] [--replicates R]      (defaults 4096, 50)

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/study/make_task.hpp"
#include "simorch/study/study.hpp"

namespace {

using namespace simorch;

std::string study_yaml(std::string_view design, std::uint64_t seed, std::uint64_t samples) {
  return fmt::format(R"(simulation: {{duration: 3.0, dt: 0.01, model: full, integrator: rk4}}
physics_uncertainty: {{pendulum1_mass: 0.1, pendulum2_mass: 0.1, pendulum1_length: 0.1,
                      pendulum2_length: 0.1}}
monte_carlo:
  samples: {}
  seed: {}
  sampling: {}
  controller: lqr
  initial_state: {{distribution: uniform, spread: [0, 0.05, 0.05, 0, 0, 0]}}
)",
                     samples, seed, design);
}

double mean_ise(const Study& study) {
  const SequentialOrchestrator orchestrator(study.sim, study.controller, study.nominal);
  double sum = 0;
  for (std::uint64_t id = 0; id < study.num_tasks(); ++id) {
    sum += orchestrator.run(make_task(study, id)).ise;
  }
  return sum / static_cast<double>(study.num_tasks());
}

std::uint64_t option(int argc, char** argv, std::string_view name, std::uint64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return std::strtoull(argv[i + 1], nullptr, 10);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t samples = option(argc, argv, "--samples", 4096);
  const std::uint64_t replicates = option(argc, argv, "--replicates", 50);
  fmt::print("mean ISE, {} replicates of {} samples, 6 sampled dimensions\n", replicates, samples);
  fmt::print("{:<8} {:>14} {:>14} {:>10}\n", "design", "mean", "rms error", "vs random");
  double random_rms = 0;
  for (const std::string_view design : {"random", "lhs", "sobol"}) {
    std::vector<double> means;
    for (std::uint64_t r = 0; r < replicates; ++r) {
      means.push_back(mean_ise(parse_study(study_yaml(design, 100 + r, samples), ".")));
    }
    double mean = 0;
    for (const double m : means) mean += m;
    mean /= static_cast<double>(means.size());
    double variance = 0;
    for (const double m : means) variance += (m - mean) * (m - mean);
    const double rms = std::sqrt(variance / static_cast<double>(means.size() - 1));
    if (design == "random") random_rms = rms;
    fmt::print("{:<8} {:>14.8g} {:>14.3e} {:>10.3f}\n", design, mean, rms, rms / random_rms);
  }
  return 0;
}
