#pragma once

// A minimal closed loop for the controller tests (the real one is sim/'s
// SequentialOrchestrator): zero-order hold over dt, RK4 through the Integrator.

#include <cstdint>
#include <vector>

#include "simorch/control/controller.hpp"
#include "simorch/model/dip_model.hpp"

namespace simorch::test {

/// What one closed-loop run did, sampled after every control period.
struct ClosedLoopRun {
  std::vector<double> time_s;     ///< end of each period
  std::vector<double> max_angle;  ///< max(|θ1|, |θ2|) at time_s[k]
  std::vector<double> cart;       ///< x at time_s[k]
  std::vector<double> force;      ///< u applied during period k
  State final_state = State::Zero();
  bool stayed_up = true;  ///< false once the state became NaN/Inf or a link fell past horizontal

  /// Largest max(|θ1|, |θ2|) over samples with time ≥ from_s (+inf when the run fell).
  double max_angle_after(double from_s) const;
  /// First time after which max(|θ1|, |θ2|) stays ≤ tolerance to the end (+inf if never).
  double settling_time(double tolerance) const;
  /// Largest |x| over the run.
  double max_abs_cart() const;
  /// Largest |u| over the run.
  double max_abs_force() const;
};

/// Runs `controller` on `plant` from x0 for duration_s with control period dt_s (RK4).
ClosedLoopRun run_closed_loop(Controller& controller, const DipModel& plant, const State& x0,
                              double dt_s, double duration_s);

/// The test's standard start: θ1 = 0.1, θ2 = −0.05, everything else at rest.
State tilted_start();

/// The nominal `full` plant with the default DipParams.
DipModel nominal_full_plant();

/// A config of `kind` with the gains docs/controllers.md found to stabilise the nominal
/// `full` plant (found by control_gain_search); lqr and open_loop keep their defaults.
ControllerConfig found_config(ControllerKind kind);

}  // namespace simorch::test
