#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <cmath>
#include <mutex>

#include "box_qp.hpp"
#include "control_laws.hpp"
#include "simorch/error.hpp"
#include "sliding_surface.hpp"

namespace simorch::detail {
namespace {

using Matrix6 = Eigen::Matrix<double, 6, 6>;
using Vector6 = Eigen::Matrix<double, 6, 1>;

/// e^M by scaling and squaring of a degree-18 Taylor polynomial (M is 7×7 and ‖M‖ small:
/// the linearised DIP times one control period).
Eigen::MatrixXd expm(const Eigen::MatrixXd& m) {
  const double norm = m.lpNorm<1>();
  int squarings = 0;
  if (norm > 0.5) squarings = static_cast<int>(std::ceil(std::log2(norm / 0.5)));
  const Eigen::MatrixXd scaled = m / std::ldexp(1.0, squarings);
  Eigen::MatrixXd term = Eigen::MatrixXd::Identity(m.rows(), m.cols());
  Eigen::MatrixXd sum = term;
  for (int k = 1; k <= 18; ++k) {
    term = term * scaled / static_cast<double>(k);
    sum += term;
  }
  for (int i = 0; i < squarings; ++i) sum = sum * sum;
  return sum;
}

/// The discrete plant, the condensed QP matrices and the terminal cost for one dt.
struct MpcPlan {
  double dt = 0.0;
  Eigen::MatrixXd hessian;  ///< H = ΓᵀQ̄Γ + R̄  (horizon × horizon)
  Eigen::MatrixXd linear;   ///< F with f = F·x0  (horizon × 6)
};

/// P of the discrete algebraic Riccati equation by the structure-preserving doubling
/// algorithm (Chu, Fan, Lin, Wang 2004): quadratic convergence, ~30 iterations.
Matrix6 solve_dare(const Matrix6& a, const Vector6& b, const Matrix6& q, double r) {
  Matrix6 ak = a;
  Matrix6 g = b * b.transpose() / r;
  Matrix6 h = q;
  for (int i = 0; i < 100; ++i) {
    const Eigen::PartialPivLU<Matrix6> w(Matrix6::Identity() + g * h);
    const Matrix6 w_a = w.solve(ak);
    const Matrix6 w_g = w.solve(g);
    const Matrix6 h_next = h + ak.transpose() * h * w_a;
    g = g + ak * w_g * ak.transpose();
    ak = ak * w_a;
    const double change = (h_next - h).norm();
    h = h_next;
    if (change <= 1e-13 * h.norm()) break;
  }
  if (!h.allFinite()) throw Error("mpc_controller: the terminal Riccati equation has no solution");
  return 0.5 * (h + h.transpose());
}

MpcPlan make_plan(const LinearModel& linear, const ControllerConfig& c, double dt) {
  // Zero-order-hold discretisation: expm([[A, B], [0, 0]]·dt) = [[Ad, Bd], [0, 1]].
  Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(7, 7);
  augmented.topLeftCorner(6, 6) = linear.a * dt;
  augmented.topRightCorner(6, 1) = linear.b * dt;
  const Eigen::MatrixXd e = expm(augmented);
  const Matrix6 ad = e.topLeftCorner(6, 6);
  const Vector6 bd = e.topRightCorner(6, 1);

  Matrix6 q = Matrix6::Zero();
  q(0, 0) = c.q_x;
  q(1, 1) = c.q_theta;
  q(2, 2) = c.q_theta;
  const Matrix6 terminal = solve_dare(ad, bd, q, c.r_u);

  const auto n = static_cast<Eigen::Index>(c.horizon);
  // x_{i+1} = Ad^{i+1}·x0 + Σ_{j≤i} Ad^{i−j}·Bd·u_j; gamma holds the Ad^k·Bd columns.
  std::vector<Vector6> gamma(static_cast<std::size_t>(n));
  std::vector<Matrix6> phi(static_cast<std::size_t>(n));
  Vector6 column = bd;
  Matrix6 power = ad;
  for (Eigen::Index k = 0; k < n; ++k) {
    gamma[static_cast<std::size_t>(k)] = column;
    phi[static_cast<std::size_t>(k)] = power;
    column = ad * column;
    power = ad * power;
  }
  MpcPlan plan;
  plan.dt = dt;
  plan.hessian = Eigen::MatrixXd::Identity(n, n) * c.r_u;
  plan.linear = Eigen::MatrixXd::Zero(n, 6);
  for (Eigen::Index i = 0; i < n; ++i) {  // predicted state x_{i+1}
    const Matrix6& weight = i + 1 == n ? terminal : q;
    for (Eigen::Index j = 0; j <= i; ++j) {
      const Vector6 wj = weight * gamma[static_cast<std::size_t>(i - j)];
      for (Eigen::Index l = 0; l <= i; ++l) {
        plan.hessian(j, l) += gamma[static_cast<std::size_t>(i - l)].dot(wj);
      }
      plan.linear.row(j) += wj.transpose() * phi[static_cast<std::size_t>(i)];
    }
  }
  return plan;
}

/// The plan is built on the first compute() (the control period is known only then) and
/// shared by every clone of the study's prototype, so a study pays for it once.
struct PlanCache {
  std::mutex mutex;
  std::shared_ptr<const MpcPlan> plan;
};

/// u = first move of argmin Σ_{i<N} (x_iᵀQx_i + r·u_i²) + x_NᵀPx_N over |u_i| ≤ max_force,
/// on the upright ZOH discretisation, Q = diag(q_x, q_θ, q_θ, 0, 0, 0), P the DARE
/// solution (so that with inactive bounds the law is the discrete LQR). The QP is solved
/// exactly each period, warm-started from the previous plan shifted by one period.
class MpcController final : public Controller {
 public:
  MpcController(const ControllerConfig& config, const DipModel& design_model)
      : config_(config),
        linear_(design_model.linearize()),
        cache_(std::make_shared<PlanCache>()),
        previous_(Eigen::VectorXd::Zero(config.horizon)) {}

  double compute(const State& x, std::int64_t /*step*/, double dt) override {
    if (!plan_ || plan_->dt != dt) plan_ = plan_for(dt);
    const auto n = previous_.size();
    Eigen::VectorXd start(n);
    start.head(n - 1) = previous_.tail(n - 1);
    start[n - 1] = 0.0;
    const Eigen::VectorXd f = plan_->linear * x;
    if (!f.allFinite()) return std::numeric_limits<double>::quiet_NaN();
    const BoxQpResult result = solve_box_qp(plan_->hessian, f, config_.max_force, start);
    if (!result.is_optimal) throw Error("mpc_controller: the QP did not converge");
    previous_ = result.u;
    return saturate(result.u[0], config_.max_force);
  }

  std::unique_ptr<Controller> clone() const override {
    auto copy = std::make_unique<MpcController>(*this);
    copy->previous_.setZero();
    return copy;
  }

 private:
  std::shared_ptr<const MpcPlan> plan_for(double dt) const {
    const std::lock_guard lock(cache_->mutex);
    if (!cache_->plan || cache_->plan->dt != dt) {
      cache_->plan = std::make_shared<const MpcPlan>(make_plan(linear_, config_, dt));
    }
    return cache_->plan;
  }

  ControllerConfig config_;
  LinearModel linear_;
  std::shared_ptr<PlanCache> cache_;
  std::shared_ptr<const MpcPlan> plan_;
  Eigen::VectorXd previous_;  ///< last optimal plan (per task): the warm start
};

}  // namespace

std::unique_ptr<Controller> make_mpc_controller(const ControllerConfig& config,
                                                const DipModel& design_model) {
  return std::make_unique<MpcController>(config, design_model);
}

}  // namespace simorch::detail
