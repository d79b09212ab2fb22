#pragma once

#include <Eigen/Core>
#include <complex>

#include "simorch/model/dip_model.hpp"

namespace simorch {

/// Result of an infinite-horizon LQR design for ẋ = a·x + b·u.
struct LqrDesign {
  Eigen::Matrix<double, 1, 6> gain;     ///< K = R⁻¹BᵀP; the law is u = −K·x.
  Eigen::Matrix<double, 6, 6> riccati;  ///< P, the stabilising solution of the CARE.
  Eigen::Matrix<std::complex<double>, 6, 1> closed_loop_eigenvalues;  ///< of a − b·K
  double residual = 0.0;  ///< ‖AᵀP + PA − PBR⁻¹BᵀP + Q‖_F / ‖Q‖_F
};

/// Solves the continuous algebraic Riccati equation AᵀP + PA − PBR⁻¹BᵀP + Q = 0 with
/// Q = diag(q_diagonal), R = r (matrix-sign iteration on the Hamiltonian, polished by
/// Newton–Kleinman). Throws Error when there is no stabilising solution, i.e. when some
/// eigenvalue of a − b·K has a real part ≥ 0 (e.g. an unstable mode Q does not see).
LqrDesign design_lqr(const LinearModel& plant, const Eigen::Matrix<double, 6, 1>& q_diagonal,
                     double r);

}  // namespace simorch
