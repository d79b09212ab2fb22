#pragma once

#include <Eigen/Core>

namespace simorch {

/// DIP state [x, θ1, θ2, ẋ, θ̇1, θ̇2]; angles absolute, measured from upright.
using State = Eigen::Matrix<double, 6, 1>;

/// Index of each component in State.
enum StateIndex : Eigen::Index {
  x = 0,
  theta1 = 1,
  theta2 = 2,
  x_dot = 3,
  theta1_dot = 4,
  theta2_dot = 5
};

/// Names of the state components, in State order (HDF5 attributes, CSV headers).
inline constexpr const char* state_names[6] = {"x",     "theta1",     "theta2",
                                               "x_dot", "theta1_dot", "theta2_dot"};

}  // namespace simorch
