#include "box_qp.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <vector>

namespace simorch::detail {

BoxQpResult solve_box_qp(const Eigen::MatrixXd& h, const Eigen::VectorXd& f, double bound,
                         const Eigen::VectorXd& start) {
  const Eigen::Index n = f.size();
  BoxQpResult result;
  Eigen::VectorXd u = start.cwiseMax(-bound).cwiseMin(bound);
  // at[i]: 0 free, +1 held at +bound, −1 held at −bound. Start with the variables that
  // the clipping put on a bound in the working set.
  std::vector<int> at(static_cast<std::size_t>(n), 0);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (u[i] >= bound) at[static_cast<std::size_t>(i)] = 1;
    if (u[i] <= -bound) at[static_cast<std::size_t>(i)] = -1;
  }
  const double scale = 1.0 + bound;
  const int max_iterations = static_cast<int>(10 * n + 20);
  std::vector<Eigen::Index> free;
  for (result.iterations = 0; result.iterations < max_iterations; ++result.iterations) {
    free.clear();
    for (Eigen::Index i = 0; i < n; ++i) {
      if (at[static_cast<std::size_t>(i)] == 0) free.push_back(i);
    }
    const Eigen::VectorXd gradient = h * u + f;
    Eigen::VectorXd step = Eigen::VectorXd::Zero(n);
    if (!free.empty()) {
      const auto m = static_cast<Eigen::Index>(free.size());
      Eigen::MatrixXd h_free(m, m);
      Eigen::VectorXd g_free(m);
      for (Eigen::Index a = 0; a < m; ++a) {
        g_free[a] = gradient[free[static_cast<std::size_t>(a)]];
        for (Eigen::Index b = 0; b < m; ++b) {
          h_free(a, b) = h(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(b)]);
        }
      }
      const Eigen::VectorXd p = h_free.llt().solve(-g_free);
      for (Eigen::Index a = 0; a < m; ++a) step[free[static_cast<std::size_t>(a)]] = p[a];
    }
    if (step.lpNorm<Eigen::Infinity>() <= 1e-13 * scale) {
      // Stationary on the working set: optimal when every held bound's multiplier
      // (−g at the upper bound, +g at the lower) is ≥ 0; else release the worst one.
      Eigen::Index worst = -1;
      double worst_multiplier = -1e-12 * (1.0 + gradient.lpNorm<Eigen::Infinity>());
      for (Eigen::Index i = 0; i < n; ++i) {
        const int side = at[static_cast<std::size_t>(i)];
        if (side == 0) continue;
        const double multiplier = -static_cast<double>(side) * gradient[i];
        if (multiplier < worst_multiplier) {
          worst_multiplier = multiplier;
          worst = i;
        }
      }
      if (worst < 0) {
        result.is_optimal = true;
        break;
      }
      at[static_cast<std::size_t>(worst)] = 0;
      continue;
    }
    // Longest feasible fraction of the step; the first bound hit joins the working set.
    double alpha = 1.0;
    Eigen::Index blocking = -1;
    for (const Eigen::Index i : free) {
      if (step[i] > 0.0 && u[i] + step[i] > bound) {
        const double limit = (bound - u[i]) / step[i];
        if (limit < alpha) {
          alpha = limit;
          blocking = i;
        }
      } else if (step[i] < 0.0 && u[i] + step[i] < -bound) {
        const double limit = (-bound - u[i]) / step[i];
        if (limit < alpha) {
          alpha = limit;
          blocking = i;
        }
      }
    }
    u += alpha * step;
    if (blocking >= 0) {
      const int side = step[blocking] > 0.0 ? 1 : -1;
      at[static_cast<std::size_t>(blocking)] = side;
      u[blocking] = static_cast<double>(side) * bound;  // exactly on the bound
    }
  }
  result.u = u;
  return result;
}

}  // namespace simorch::detail
