// parse_tuning (the pso:, cost_function: and tuning: sections) and the per-run cost.

#include "simorch/tune/tuning_config.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/tune/task_cost.hpp"

namespace simorch {
namespace {

const std::string base = R"(
simulation: {model: full, dt: 0.01, duration: 1.0}
controllers:
  classical_smc: {gains: [5.76, -22.8, 222, -578, 32.6, 3.13]}
monte_carlo: {samples: 10, seed: 3, controller: classical_smc}
pso:
  n_particles: 6
  iters: 4
  w: 0.5
  c1: 1.5
  c2: 1.7
  seed: 9
  bounds:
    classical_smc: {min: [2, 2, 2, 0.2, 2, 0.05], max: [30, 30, 10, 5, 50, 3]}
)";

TuningConfig parse(const std::string& text) {
  return parse_tuning(text, parse_study(text, "."));
}

/// The ConfigError's message (empty when parsing succeeds).
std::string error_of(const std::string& text) {
  try {
    (void)parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ParseTuning, reads_the_seed_pso_keys_and_warns_about_all_positive_surface_bounds) {
  const TuningConfig t = parse(base);
  EXPECT_EQ(t.n_particles, 6);
  EXPECT_EQ(t.iters, 4);
  EXPECT_EQ(t.w, 0.5);
  EXPECT_EQ(t.c1, 1.5);
  EXPECT_EQ(t.c2, 1.7);
  EXPECT_EQ(t.seed, 9u);
  EXPECT_EQ(t.lower.size(), 6u);
  EXPECT_EQ(t.bounds_key, "pso.bounds.classical_smc");
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_NE(t.warnings[0].find("surface weight"), std::string::npos);
  EXPECT_EQ(t.cost.instability_penalty, 1000.0);  // the seed's default
}

TEST(ParseTuning, tuning_bounds_override_the_seed_and_may_be_signed) {
  const TuningConfig t = parse(base + R"(
tuning:
  samples: 5
  bounds: {min: [1, -60, 50, -1200, 5, 0], max: [15, -5, 500, -100, 80, 10]}
)");
  EXPECT_EQ(t.bounds_key, "tuning.bounds");
  EXPECT_EQ(t.lower[1], -60.0);
  EXPECT_EQ(t.samples, 5);
  EXPECT_TRUE(t.warnings.empty());
}

TEST(ParseTuning, bad_values_name_the_key) {
  auto replaced = [](std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  EXPECT_NE(error_of(replaced(base, "n_particles: 6", "n_particles: 1")).find("pso.n_particles"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(base, "iters: 4", "iters: 4\n  iters: 5")).find("pso.iters"),
            std::string::npos);
  EXPECT_NE(error_of(replaced(base, "max: [30, 30, 10, 5, 50, 3]", "max: [30, 30]"))
                .find("pso.bounds.classical_smc.max"),
            std::string::npos);
  EXPECT_NE(error_of(base + "tuning: {samples: 11}\n").find("tuning.samples"), std::string::npos);
}

TEST(TaskCost, failed_or_unsettled_runs_cost_the_penalty_and_settled_ones_the_weighted_sum) {
  CostConfig cost;
  TaskSummary summary;
  summary.status = TaskStatus::out_of_bounds;
  EXPECT_EQ(task_cost(summary, {}, {}, 0.1, cost), cost.instability_penalty);
  summary.status = TaskStatus::completed;
  summary.success = 0;
  EXPECT_EQ(task_cost(summary, {}, {}, 0.1, cost), cost.instability_penalty);
  summary.success = 1;
  summary.ise = 20.0;                                    // / 10 · 1.0 = 2
  summary.control_energy = 50;                           // / 100 · 0.1 = 0.05
  const std::vector<double> controls = {0.0, 1.0, NAN};  // u̇ = 10 for one period: 10 → /1000 · 0.01
  const std::vector<double> states = {0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  // ∫(θ1² + θ2²)dt = (1 + 1)·0.1 = 0.2 → /1 · 0.1 = 0.02
  EXPECT_NEAR(task_cost(summary, states, controls, 0.1, cost), 2.0 + 0.05 + 1e-4 + 0.02, 1e-12);
}

TEST(TaskCost, particles_combine_mean_and_max) {
  CostConfig cost;
  const std::vector<double> costs = {1.0, 2.0, 6.0};
  EXPECT_DOUBLE_EQ(combine_costs(costs, cost), 0.7 * 3.0 + 0.3 * 6.0);
}

}  // namespace
}  // namespace simorch
