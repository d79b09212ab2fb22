#pragma once

// The swing phase of swing_up_smc: a trajectory from the current state to upright,
// planned on the design model by iterative LQR, with its time-varying feedback gains.

#include <Eigen/Core>
#include <vector>

#include "simorch/model/dip_model.hpp"

namespace simorch::detail {

/// A planned swing: u_k = feedforward[k] + gain[k]·(x − state[k]) over `step_s` periods,
/// angle differences wrapped.
struct SwingPlan {
  double step_s = 0.0;
  std::vector<double> feedforward;
  std::vector<Eigen::Matrix<double, 1, 6>> gain;
  std::vector<State> state;  ///< planned state at the start of period k (size + 1 entries)
  double final_cost = 0.0;
  bool is_upright = false;  ///< the plan ends within 0.05 rad of upright, nearly at rest
};

/// Iterative LQR (Li & Todorov 2004; Tassa, Mansard & Todorov 2014 for the clamped
/// controls): RK4 steps of `step_s` on `model`, |u| ≤ max_force, horizon `duration_s`,
/// stage cost on the force and the distance from upright (1 − cos θ per link), a heavy
/// terminal cost on the full state. Deterministic: the same inputs give the same plan.
SwingPlan plan_swing_up(const DipModel& model, const State& start, double step_s, double duration_s,
                        double max_force);

}  // namespace simorch::detail
