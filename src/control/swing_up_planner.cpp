#include "swing_up_planner.hpp"

#include <algorithm>
#include <cmath>

#include "simorch/model/angle.hpp"

namespace simorch::detail {
namespace {

using Vector6 = Eigen::Matrix<double, 6, 1>;
using Matrix6 = Eigen::Matrix<double, 6, 6>;

State rk4_step(const DipModel& model, const State& x, double u, double h) noexcept {
  const State k1 = model.derivative(x, u);
  const State k2 = model.derivative(x + 0.5 * h * k1, u);
  const State k3 = model.derivative(x + 0.5 * h * k2, u);
  const State k4 = model.derivative(x + h * k3, u);
  return x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
}

/// Residual weights (squared in the cost): cart, links (as 2·sin(θ/2), so the residual
/// squared is 2(1 − cos θ)), velocities. Stage weights pull the swing up early; the
/// terminal ones make it end at rest upright.
constexpr double stage_weight[6] = {0.5, 2.0, 2.0, 0.01, 0.01, 0.01};
constexpr double terminal_weight[6] = {50.0, 2000.0, 2000.0, 50.0, 50.0, 50.0};
constexpr double force_weight = 1e-4;

struct Quadratic {
  double value = 0.0;
  Vector6 gradient = Vector6::Zero();
  Matrix6 hessian = Matrix6::Zero();  ///< Gauss–Newton: JᵀWJ, never indefinite
};

Quadratic state_cost(const State& x, const double (&weight)[6]) noexcept {
  Quadratic q;
  for (int i = 0; i < 6; ++i) {
    double residual = x[i];
    double slope = 1.0;
    if (i == theta1 || i == theta2) {
      residual = 2.0 * std::sin(0.5 * x[i]);
      slope = std::cos(0.5 * x[i]);
    }
    q.value += weight[i] * residual * residual;
    q.gradient[i] = 2.0 * weight[i] * residual * slope;
    q.hessian(i, i) = 2.0 * weight[i] * slope * slope;
  }
  return q;
}

double total_cost(const std::vector<State>& xs, const std::vector<double>& us) {
  double cost = 0.0;
  for (std::size_t k = 0; k < us.size(); ++k) {
    cost += state_cost(xs[k], stage_weight).value + force_weight * us[k] * us[k];
  }
  return cost + state_cost(xs.back(), terminal_weight).value;
}

}  // namespace

SwingPlan plan_swing_up(const DipModel& model, const State& start, double step_s, double duration_s,
                        double max_force) {
  const auto n = static_cast<std::size_t>(std::max(1.0, std::round(duration_s / step_s)));
  std::vector<double> us(n, 0.0);
  // A first guess that shakes the cart at the links' lowest natural frequency (~1 Hz),
  // so the first linearisation already sees the swing.
  for (std::size_t k = 0; k < n / 3; ++k) {
    us[k] = 0.2 * max_force * std::sin(2.0 * 3.141592653589793 * static_cast<double>(k) * step_s);
  }
  std::vector<State> xs(n + 1);
  xs[0] = start;
  for (std::size_t k = 0; k < n; ++k) xs[k + 1] = rk4_step(model, xs[k], us[k], step_s);
  double cost = total_cost(xs, us);

  std::vector<double> feedforward(n, 0.0);
  std::vector<Eigen::Matrix<double, 1, 6>> gain(n, Eigen::Matrix<double, 1, 6>::Zero());
  std::vector<Matrix6> a(n);
  std::vector<Vector6> b(n);
  double mu = 1e-6;  // Levenberg–Marquardt regularisation of Q_uu
  std::vector<State> trial_x(n + 1);
  std::vector<double> trial_u(n);
  for (int iteration = 0; iteration < 200; ++iteration) {
    // Central-difference Jacobians of the RK4 step.
    for (std::size_t k = 0; k < n; ++k) {
      for (int i = 0; i < 6; ++i) {
        const double h = 1e-6 * (1.0 + std::abs(xs[k][i]));
        State plus = xs[k], minus = xs[k];
        plus[i] += h;
        minus[i] -= h;
        a[k].col(i) =
            (rk4_step(model, plus, us[k], step_s) - rk4_step(model, minus, us[k], step_s)) /
            (2.0 * h);
      }
      const double h = 1e-6 * (1.0 + std::abs(us[k]));
      b[k] =
          (rk4_step(model, xs[k], us[k] + h, step_s) - rk4_step(model, xs[k], us[k] - h, step_s)) /
          (2.0 * h);
    }
    // Backward pass; a non-positive Q_uu raises mu and starts over.
    bool is_backward_done = false;
    while (!is_backward_done) {
      const Quadratic terminal = state_cost(xs[n], terminal_weight);
      Vector6 vx = terminal.gradient;
      Matrix6 vxx = terminal.hessian;
      is_backward_done = true;
      for (std::size_t j = n; j-- > 0;) {
        const Quadratic stage = state_cost(xs[j], stage_weight);
        const Vector6 qx = stage.gradient + a[j].transpose() * vx;
        const double qu = 2.0 * force_weight * us[j] + b[j].dot(vx);
        const Matrix6 qxx = stage.hessian + a[j].transpose() * vxx * a[j];
        const double quu = 2.0 * force_weight + b[j].dot(vxx * b[j]) + mu;
        const Eigen::Matrix<double, 1, 6> qux = (vxx * b[j]).transpose() * a[j];
        if (!(quu > 0.0)) {
          mu *= 10.0;
          is_backward_done = false;
          break;
        }
        double k_ff = -qu / quu;
        Eigen::Matrix<double, 1, 6> k_fb = -qux / quu;
        // Clamped controls (Tassa et al. 2014): a step that would leave the box stops at
        // it, and there the feedback is switched off.
        const double target = us[j] + k_ff;
        if (std::abs(target) > max_force) {
          k_ff = std::clamp(target, -max_force, max_force) - us[j];
          k_fb.setZero();
        }
        feedforward[j] = k_ff;
        gain[j] = k_fb;
        vx = qx + k_fb.transpose() * quu * k_ff + k_fb.transpose() * qu + qux.transpose() * k_ff;
        vxx = qxx + k_fb.transpose() * quu * k_fb + k_fb.transpose() * qux + qux.transpose() * k_fb;
        vxx = 0.5 * (vxx + vxx.transpose()).eval();
      }
      if (mu > 1e10) break;
    }
    // Forward pass with a backtracking line search on the feedforward step.
    bool is_improved = false;
    for (double alpha = 1.0; alpha > 1e-4; alpha *= 0.5) {
      trial_x[0] = start;
      for (std::size_t k = 0; k < n; ++k) {
        State dx = trial_x[k] - xs[k];
        dx[theta1] = wrap_angle(dx[theta1]);
        dx[theta2] = wrap_angle(dx[theta2]);
        trial_u[k] =
            std::clamp(us[k] + alpha * feedforward[k] + gain[k].dot(dx), -max_force, max_force);
        trial_x[k + 1] = rk4_step(model, trial_x[k], trial_u[k], step_s);
      }
      const double trial_cost = total_cost(trial_x, trial_u);
      if (std::isfinite(trial_cost) && trial_cost < cost) {
        const double gain_ratio = (cost - trial_cost) / cost;
        xs.swap(trial_x);
        us.swap(trial_u);
        cost = trial_cost;
        is_improved = gain_ratio > 1e-7;
        break;
      }
    }
    if (is_improved) {
      mu = std::max(1e-6, mu / 3.0);
    } else {
      mu *= 10.0;
      if (mu > 1e6) break;
    }
  }

  SwingPlan plan;
  plan.step_s = step_s;
  plan.feedforward = us;
  plan.gain = gain;
  plan.state = xs;
  plan.final_cost = cost;
  const State end = wrap_angles(xs[n]);
  plan.is_upright =
      std::abs(end[theta1]) < 0.05 && std::abs(end[theta2]) < 0.05 && end.tail<3>().norm() < 0.5;
  return plan;
}

}  // namespace simorch::detail
