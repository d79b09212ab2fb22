#pragma once

#include <cmath>
#include <numbers>

#include "simorch/model/state.hpp"

namespace simorch {

/// θ wrapped to (−π, π]: the angle from upright whatever the number of turns. Used
/// where a swing-up study reads angles (bounds, metrics, success, hand-over); NaN stays NaN.
inline double wrap_angle(double theta) noexcept {
  const double wrapped = std::remainder(theta, 2.0 * std::numbers::pi);  // [−π, π]
  return wrapped == -std::numbers::pi ? std::numbers::pi : wrapped;
}

/// x with θ1 and θ2 wrapped to (−π, π]; the other components unchanged.
inline State wrap_angles(State x) noexcept {
  x[theta1] = wrap_angle(x[theta1]);
  x[theta2] = wrap_angle(x[theta2]);
  return x;
}

}  // namespace simorch
