#include "simorch/control/lqr_design.hpp"

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <optional>
#include <string>

#include "simorch/error.hpp"

namespace simorch {
namespace {

using Mat6 = Eigen::Matrix<double, 6, 6>;
using Mat12 = Eigen::Matrix<double, 12, 12>;

/// sign(H) by the Newton iteration Z ← ½(cZ + (cZ)⁻¹) with determinant scaling
/// c = |det Z|^(−1/n) (Byers 1987; Higham, "Functions of Matrices", §5.5). Empty when
/// H has eigenvalues on or too near the imaginary axis (Z becomes singular).
std::optional<Mat12> matrix_sign(const Mat12& h) {
  constexpr int kMaxIterations = 100;
  Mat12 z = h;
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    const Eigen::PartialPivLU<Mat12> lu(z);
    double log_abs_det = 0.0;
    for (Eigen::Index i = 0; i < 12; ++i) log_abs_det += std::log(std::abs(lu.matrixLU()(i, i)));
    if (!std::isfinite(log_abs_det)) return std::nullopt;
    const double scale = std::exp(-log_abs_det / 12.0);
    const Mat12 next = 0.5 * (scale * z + lu.inverse() / scale);
    if (!next.allFinite()) return std::nullopt;
    const double change = (next - z).cwiseAbs().colwise().sum().maxCoeff();
    z = next;
    if (change <= 1e-13 * z.cwiseAbs().colwise().sum().maxCoeff()) return z;
  }
  return std::nullopt;
}

/// Solves Aᵀ·X + X·A = −C through the 36×36 Kronecker system (small enough to be exact
/// and cheap; Eigen has no Bartels–Stewart).
Mat6 solve_lyapunov(const Mat6& a, const Mat6& c) {
  const Mat6 identity = Mat6::Identity();
  Eigen::Matrix<double, 36, 36> kron;
  for (Eigen::Index i = 0; i < 6; ++i) {
    for (Eigen::Index j = 0; j < 6; ++j) {
      // vec(AᵀX + XA) = (I ⊗ Aᵀ + Aᵀ ⊗ I) vec(X), column-major vec.
      kron.block<6, 6>(6 * i, 6 * j) = identity(i, j) * a.transpose() + a(j, i) * identity;
    }
  }
  Eigen::Matrix<double, 36, 1> rhs = -Eigen::Map<const Eigen::Matrix<double, 36, 1>>(c.data());
  Eigen::Matrix<double, 36, 1> solution = kron.partialPivLu().solve(rhs);
  Mat6 x = Eigen::Map<Mat6>(solution.data());
  return 0.5 * (x + x.transpose());
}

bool is_stable(const Mat6& a) {
  const Eigen::EigenSolver<Mat6> solver(a, false);
  return solver.info() == Eigen::Success && (solver.eigenvalues().real().array() < 0.0).all();
}

}  // namespace

LqrDesign design_lqr(const LinearModel& plant, const Eigen::Matrix<double, 6, 1>& q_diagonal,
                     double r) {
  if (!(r > 0.0) || !std::isfinite(r)) throw Error("design_lqr: R must be a finite number > 0");
  if (!(q_diagonal.array() >= 0.0).all() || !q_diagonal.allFinite()) {
    throw Error("design_lqr: Q must be diagonal with finite entries >= 0");
  }
  const Mat6& a = plant.a;
  const Eigen::Matrix<double, 6, 1>& b = plant.b;
  const Mat6 q = q_diagonal.asDiagonal();
  const Mat6 g = b * b.transpose() / r;

  Mat12 hamiltonian;
  hamiltonian << a, -g, -q, -a.transpose();
  const std::optional<Mat12> sign = matrix_sign(hamiltonian);
  if (!sign) {
    throw Error(
        "lqr: the Riccati equation has no stabilising solution (the Hamiltonian has "
        "eigenvalues on the imaginary axis: an unstable or marginal mode is not weighted in q "
        "or not controllable)");
  }
  // The stable invariant subspace [I; P] is the null space of sign(H) + I (Roberts 1971).
  const Mat12 w = *sign + Mat12::Identity();
  Eigen::Matrix<double, 12, 6> lhs;
  lhs << w.block<6, 6>(0, 6), w.block<6, 6>(6, 6);
  Eigen::Matrix<double, 12, 6> rhs;
  rhs << -w.block<6, 6>(0, 0), -w.block<6, 6>(6, 0);
  Mat6 p = lhs.colPivHouseholderQr().solve(rhs);
  p = 0.5 * (p + p.transpose());

  // Newton–Kleinman polishing: each step solves one Lyapunov equation and converges
  // quadratically from the sign-function estimate (Kleinman 1968).
  for (int step = 0; step < 3; ++step) {
    const Eigen::Matrix<double, 1, 6> k = b.transpose() * p / r;
    const Mat6 closed = a - b * k;
    if (!is_stable(closed)) break;
    const Mat6 next = solve_lyapunov(closed, q + k.transpose() * r * k);
    if (!next.allFinite()) break;
    p = next;
  }

  LqrDesign design;
  design.riccati = p;
  design.gain = b.transpose() * p / r;
  const Mat6 residual = a.transpose() * p + p * a - p * g * p + q;
  design.residual = residual.norm() / std::max(q.norm(), 1e-300);
  const Mat6 closed = a - b * design.gain;
  const Eigen::EigenSolver<Mat6> solver(closed, false);
  if (solver.info() != Eigen::Success) {
    throw Error("lqr: could not compute the closed-loop eigenvalues");
  }
  design.closed_loop_eigenvalues = solver.eigenvalues();
  for (Eigen::Index i = 0; i < 6; ++i) {
    const std::complex<double> lambda = design.closed_loop_eigenvalues[i];
    if (!(lambda.real() < 0.0)) {
      throw Error("lqr: the closed loop A - B*K of the design model is not stable (eigenvalue " +
                  std::to_string(lambda.real()) + (lambda.imag() < 0.0 ? " - " : " + ") +
                  std::to_string(std::abs(lambda.imag())) + "i has Re >= 0)");
    }
  }
  return design;
}

}  // namespace simorch
