#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "simorch/study/study.hpp"

namespace simorch {

/// The seed's `cost_function:` section: J of one task (docs/tuning.md).
struct CostConfig {
  double weight_state_error = 1.0;     ///< weights.state_error
  double weight_control_effort = 0.1;  ///< weights.control_effort
  double weight_control_rate = 0.01;   ///< weights.control_rate
  double weight_stability = 0.1;       ///< weights.stability
  double norm_state_error = 10.0;      ///< norms.state_error
  double norm_control_effort = 100.0;  ///< norms.control_effort
  double norm_control_rate = 1000.0;   ///< norms.control_rate
  double norm_sliding = 1.0;           ///< norms.sliding
  double instability_penalty = 1000.0;
  double combine_mean = 0.7;  ///< combine_weights.mean
  double combine_max = 0.3;   ///< combine_weights.max
  double normalization_threshold = 1e-12;
};

/// Everything `simorch tune` reads besides the study: the seed's `pso:` and
/// `cost_function:` sections and simorch's `tuning:` section.
struct TuningConfig {
  std::int64_t n_particles = 40;
  std::int64_t iters = 50;    ///< generations after the initial swarm
  double w = 0.7;             ///< inertia
  double c1 = 2.0;            ///< cognitive coefficient
  double c2 = 2.0;            ///< social coefficient
  std::uint64_t seed = 42;    ///< pso.seed: the swarm's random numbers
  std::vector<double> lower;  ///< bounds of the gains, in the controller's gain order
  std::vector<double> upper;
  std::string bounds_key;  ///< where the bounds came from (for messages)
  /// Monte Carlo samples per particle: study tasks 0 … samples−1, the same for every
  /// particle and generation (common random numbers). Default 20 (at most the study's tasks).
  std::int64_t samples = 20;
  std::int64_t validation_samples = 1000;  ///< tasks of the final validation
  std::uint64_t validation_seed = 0;       ///< its monte_carlo seed (fresh streams)
  /// Particle 0 of the initial swarm is the study's configured gains (clipped to the
  /// bounds): a swarm whose random start balances nothing sees a flat cost.
  bool is_seeded_with_study_gains = true;
  CostConfig cost;
  std::vector<std::string> warnings;
};

/// Parses `pso:`, `cost_function:` and `tuning:` of the study text for tuning the
/// study's controller. Throws ConfigError naming the key for a bad or missing value
/// (e.g. no bounds for the controller, bounds of the wrong length, min ≥ max).
TuningConfig parse_tuning(std::string_view yaml_text, const Study& study);

}  // namespace simorch
