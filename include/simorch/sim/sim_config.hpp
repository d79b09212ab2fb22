#pragma once

#include <cstdint>

#include "simorch/integrate/integrator.hpp"
#include "simorch/model/dip_model.hpp"

namespace simorch {

/// Limits beyond which a task stops with status out_of_bounds.
struct StateBounds {
  double max_abs_x = 10.0;                   ///< cart position [m]
  double max_abs_theta = 3.141592653589793;  ///< either link angle [rad] (π: fell over)
  double max_abs_velocity = 1e3;             ///< any velocity component
};

/// How every task of a study is simulated (all but the per-task initial state and
/// parameters).
struct SimConfig {
  ModelKind model = ModelKind::full;
  IntegratorOptions integrator;
  double dt = 0.01;        ///< control period [s]; the integrator advances one period per step
  double duration = 10.0;  ///< simulated time per task [s]
  StateBounds bounds;
  double settle_tolerance = 0.01;  ///< |θ1|, |θ2| ≤ this counts as settled [rad]
  /// Save every k-th control step (0: no trajectory). Samples at t = 0, k·dt, 2k·dt, ...
  std::int64_t save_every = 0;
  /// Read θ1, θ2 wrapped to (−π, π] in the bounds, metrics and success (the stored
  /// states stay unwrapped). Set by the study for swing_up_smc, whose links turn over.
  bool wraps_angles = false;

  /// Control periods per task: round(duration / dt).
  std::int64_t num_steps() const noexcept;
  /// Trajectory samples per task (0 when save_every == 0): num_steps() / save_every + 1.
  std::int64_t num_samples() const noexcept;
};

}  // namespace simorch
