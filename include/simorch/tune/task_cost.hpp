#pragma once

#include <span>

#include "simorch/sim/task.hpp"
#include "simorch/tune/tuning_config.hpp"

namespace simorch {

/// J of one closed-loop run (the seed's cost_function): instability_penalty when the run
/// did not complete (fell, diverged, failed) or did not end settled, else
///   w_state·ISE/n_state + w_effort·∫u²dt/n_effort + w_rate·∫u̇²dt/n_rate
///   + w_stability·∫(θ1² + θ2²)dt/n_sliding
/// with each term divided by its norm only when the norm exceeds normalization_threshold.
/// `states` (6 per sample) and `controls` are the run's trajectory at every control step.
double task_cost(const TaskSummary& summary, std::span<const double> states,
                 std::span<const double> controls, double dt, const CostConfig& cost);

/// Combined cost of one particle over its samples, in sample order:
/// combine_mean·mean(J) + combine_max·max(J).
double combine_costs(std::span<const double> costs, const CostConfig& cost);

}  // namespace simorch
