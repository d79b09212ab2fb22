#pragma once

// A small dense box-constrained QP, solved exactly by a primal active-set method.

#include <Eigen/Core>

namespace simorch::detail {

/// min ½uᵀHu + fᵀu subject to |u_i| ≤ bound, H symmetric positive definite.
struct BoxQpResult {
  Eigen::VectorXd u;
  int iterations = 0;
  bool is_optimal = false;  ///< KKT conditions hold (false only if the iteration cap hit)
};

/// Primal active-set method (Nocedal & Wright, Numerical Optimization, 2nd ed., §16.5):
/// every iterate is feasible, each step solves the equality-constrained QP on the free
/// variables (Cholesky of H's free block), a blocking bound joins the working set, and the
/// bound with the most negative multiplier leaves it. Finite for a positive definite H;
/// with n ≤ 200 a cap of 10·n + 20 steps is never reached in practice. `start` is any
/// point (clipped to the box): the shifted previous plan makes it a warm start.
BoxQpResult solve_box_qp(const Eigen::MatrixXd& h, const Eigen::VectorXd& f, double bound,
                         const Eigen::VectorXd& start);

}  // namespace simorch::detail
