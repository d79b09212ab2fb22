#include "simorch/tune/task_cost.hpp"

#include <algorithm>
#include <cmath>

namespace simorch {
namespace {

double normalised(double value, double norm, double threshold) noexcept {
  return norm > threshold ? value / norm : value;
}

}  // namespace

double task_cost(const TaskSummary& summary, std::span<const double> states,
                 std::span<const double> controls, double dt, const CostConfig& cost) {
  // The seed penalises runs that stop early; simorch also counts a run that ends
  // unsettled (not simorch's success), or gains the swarm prefers may hover without ever
  // balancing (measured: a swarm on the seed's rule reached 14 % success).
  if (summary.status != TaskStatus::completed || summary.success == 0) {
    return cost.instability_penalty;
  }
  // Left rectangle rule over the periods, like the summary metrics (docs/physics.md).
  double rate = 0.0;
  for (std::size_t k = 1; k < controls.size(); ++k) {
    if (!std::isfinite(controls[k])) break;  // the last sample has no force
    const double du = (controls[k] - controls[k - 1]) / dt;
    rate += du * du * dt;
  }
  double angles = 0.0;
  for (std::size_t k = 0; k + 1 < controls.size() && 6 * k + 2 < states.size(); ++k) {
    angles += (states[6 * k + 1] * states[6 * k + 1] + states[6 * k + 2] * states[6 * k + 2]) * dt;
  }
  const double t = cost.normalization_threshold;
  const double j =
      cost.weight_state_error * normalised(summary.ise, cost.norm_state_error, t) +
      cost.weight_control_effort * normalised(summary.control_energy, cost.norm_control_effort, t) +
      cost.weight_control_rate * normalised(rate, cost.norm_control_rate, t) +
      cost.weight_stability * normalised(angles, cost.norm_sliding, t);
  return std::isfinite(j) ? j : cost.instability_penalty;
}

double combine_costs(std::span<const double> costs, const CostConfig& cost) {
  if (costs.empty()) return cost.instability_penalty;
  double sum = 0.0;
  double worst = costs.front();
  for (const double c : costs) {
    sum += c;
    worst = std::max(worst, c);
  }
  return cost.combine_mean * (sum / static_cast<double>(costs.size())) + cost.combine_max * worst;
}

}  // namespace simorch
