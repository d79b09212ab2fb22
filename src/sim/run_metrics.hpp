#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "simorch/model/state.hpp"
#include "simorch/sim/task.hpp"

namespace simorch::detail {

/// Accumulates a task's summary metrics. Integrals use the left rectangle rule over the
/// control periods: exact for ∫u²dt under the zero-order hold, and the state integrals
/// are then sums over the states the controller saw (docs/physics.md, "Metrics").
class RunMetrics {
 public:
  explicit RunMetrics(double settle_tolerance) noexcept : settle_tolerance_(settle_tolerance) {}

  /// The state at control step k (including the final one); drives maxima and settling.
  void observe_state(const State& x, std::int64_t k) noexcept {
    max_abs_x_ = std::max(max_abs_x_, std::abs(x[StateIndex::x]));
    max_abs_theta1_ = std::max(max_abs_theta1_, std::abs(x[theta1]));
    max_abs_theta2_ = std::max(max_abs_theta2_, std::abs(x[theta2]));
    const bool is_inside =
        std::abs(x[theta1]) <= settle_tolerance_ && std::abs(x[theta2]) <= settle_tolerance_;
    if (!is_inside) {
      settle_step_ = -1;
    } else if (settle_step_ < 0) {
      settle_step_ = k;
    }
  }

  /// The period [t, t + dt) in which x is the sampled state and u the held force.
  void observe_period(const State& x, double u, double t, double dt) noexcept {
    ise_ += x.squaredNorm() * dt;
    itae_ += t * (std::abs(x[theta1]) + std::abs(x[theta2])) * dt;
    control_energy_ += u * u * dt;
    max_abs_u_ = std::max(max_abs_u_, std::abs(u));
  }

  /// Writes the metrics into `summary`; settling only counts for a run that reached its end.
  void write(TaskSummary& summary, bool is_completed, double dt) const noexcept {
    summary.ise = ise_;
    summary.itae = itae_;
    summary.max_abs_theta1 = max_abs_theta1_;
    summary.max_abs_theta2 = max_abs_theta2_;
    summary.max_abs_x = max_abs_x_;
    summary.max_abs_u = max_abs_u_;
    summary.control_energy = control_energy_;
    const bool is_settled = is_completed && settle_step_ >= 0;
    summary.settling_time = is_settled ? static_cast<double>(settle_step_) * dt
                                       : std::numeric_limits<double>::quiet_NaN();
    summary.success = is_settled ? 1 : 0;
  }

 private:
  double settle_tolerance_;
  double ise_ = 0, itae_ = 0, control_energy_ = 0;
  double max_abs_x_ = 0, max_abs_theta1_ = 0, max_abs_theta2_ = 0, max_abs_u_ = 0;
  std::int64_t settle_step_ = -1;  ///< first step of the current inside-tolerance streak
};

}  // namespace simorch::detail
