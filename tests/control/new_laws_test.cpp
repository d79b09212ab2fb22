// The four laws added for the rest of the dip-smc-pso config: hybrid_adaptive_sta_smc,
// conditional_hybrid, mpc_controller (and its box QP), swing_up_smc.

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "box_qp.hpp"
#include "closed_loop.hpp"
#include "expect_stabilises.hpp"
#include "simorch/control/controller.hpp"
#include "simorch/error.hpp"
#include "simorch/integrate/integrator.hpp"
#include "simorch/model/angle.hpp"

namespace simorch {
namespace {

using test::expect_stabilises;

TEST(HybridAdaptiveStaSmc, documented_gains_stabilise_the_nominal_full_plant) {
  expect_stabilises(test::found_config(ControllerKind::hybrid_adaptive_sta_smc), 0.01);
  expect_stabilises(test::found_config(ControllerKind::hybrid_adaptive_sta_smc), 0.001);
}

TEST(ConditionalHybrid, documented_gains_stabilise_the_nominal_full_plant) {
  expect_stabilises(test::found_config(ControllerKind::conditional_hybrid), 0.01);
  expect_stabilises(test::found_config(ControllerKind::conditional_hybrid), 0.001);
}

TEST(MpcController, seed_weights_stabilise_the_nominal_full_plant) {
  expect_stabilises(test::found_config(ControllerKind::mpc_controller), 0.01);
  expect_stabilises(test::found_config(ControllerKind::mpc_controller), 0.001);
}

TEST(MpcController, force_limit_holds_and_clones_restart_their_plan) {
  ControllerConfig config = test::found_config(ControllerKind::mpc_controller);
  config.max_force = 5.0;  // tight enough that the box is active at the start
  const DipModel plant = test::nominal_full_plant();
  const auto prototype = make_controller(config, plant);
  const auto first = prototype->clone();
  const double u0 = first->compute(test::tilted_start(), 0, 0.01);
  EXPECT_EQ(std::abs(u0), 5.0);
  (void)first->compute(test::tilted_start() * 0.5, 1, 0.01);
  const auto second = prototype->clone();
  EXPECT_EQ(second->compute(test::tilted_start(), 0, 0.01), u0);  // bitwise: same warm start
}

/// Every subset of bounds tried: the best feasible stationary point is the optimum.
Eigen::VectorXd brute_force_box_qp(const Eigen::MatrixXd& h, const Eigen::VectorXd& f,
                                   double bound) {
  const auto n = f.size();
  double best = INFINITY;
  Eigen::VectorXd best_u;
  int patterns = 1;
  for (Eigen::Index i = 0; i < n; ++i) patterns *= 3;
  for (int pattern = 0; pattern < patterns; ++pattern) {
    Eigen::VectorXd u = Eigen::VectorXd::Zero(n);
    Eigen::VectorXi is_free = Eigen::VectorXi::Zero(n);
    std::vector<Eigen::Index> free_list;
    int code = pattern;
    for (Eigen::Index i = 0; i < n; ++i, code /= 3) {
      if (code % 3 == 0) {
        free_list.push_back(i);
        is_free[i] = 1;
      }
      u[i] = code % 3 == 1 ? bound : code % 3 == 2 ? -bound : 0.0;
    }
    if (!free_list.empty()) {
      const auto m = static_cast<Eigen::Index>(free_list.size());
      const Eigen::Map<const Eigen::Matrix<Eigen::Index, Eigen::Dynamic, 1>> free(free_list.data(),
                                                                                  m);
      Eigen::MatrixXd hf(m, m);
      Eigen::VectorXd rhs(m);
      for (Eigen::Index a = 0; a < m; ++a) {
        rhs[a] = -f[free[a]];
        for (Eigen::Index i = 0; i < n; ++i) {
          if (is_free[i] == 0) rhs[a] -= h(free[a], i) * u[i];
        }
        for (Eigen::Index b = 0; b < m; ++b) hf(a, b) = h(free[a], free[b]);
      }
      const Eigen::VectorXd uf = hf.llt().solve(rhs);
      for (Eigen::Index a = 0; a < m; ++a) u[free[a]] = uf[a];
    }
    if (u.cwiseAbs().maxCoeff() > bound * (1 + 1e-12)) continue;
    const double value = 0.5 * u.dot(h * u) + f.dot(u);
    if (value < best) {
      best = value;
      best_u = u;
    }
  }
  return best_u;
}

TEST(BoxQp, active_set_matches_brute_force_on_random_problems) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 200; ++trial) {
    const Eigen::Index n = 1 + trial % 6;
    Eigen::MatrixXd m(n, n);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
    const Eigen::MatrixXd h = m * m.transpose() + 0.1 * Eigen::MatrixXd::Identity(n, n);
    Eigen::VectorXd f(n);
    for (Eigen::Index i = 0; i < n; ++i) f[i] = 3.0 * normal(rng);
    Eigen::VectorXd start(n);
    for (Eigen::Index i = 0; i < n; ++i) start[i] = normal(rng);
    const detail::BoxQpResult result = detail::solve_box_qp(h, f, 1.0, start);
    ASSERT_TRUE(result.is_optimal) << trial;
    const Eigen::VectorXd expected = brute_force_box_qp(h, f, 1.0);
    EXPECT_LE((result.u - expected).lpNorm<Eigen::Infinity>(), 1e-9) << trial;
  }
}

TEST(SwingUpSmc, swings_up_nine_in_ten_starts_near_hanging_within_ten_seconds) {
  const DipModel plant = test::nominal_full_plant();
  const auto prototype = make_controller(test::found_config(ControllerKind::swing_up_smc), plant);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> offset(-0.3, 0.3);
  int balanced = 0;
  constexpr int starts = 10;
  for (int i = 0; i < starts; ++i) {
    State x = State::Zero();
    x[theta1] = std::numbers::pi + offset(rng);
    x[theta2] = std::numbers::pi + offset(rng);
    const auto controller = prototype->clone();
    Integrator integrator(IntegratorOptions{});
    double worst_late = 0.0;
    for (std::int64_t k = 0; k < 1000; ++k) {
      (void)integrator.advance(plant, x, controller->compute(x, k, 0.01), 0.01);
      const State seen = wrap_angles(x);
      if (k >= 900)
        worst_late = std::max({worst_late, std::abs(seen[theta1]), std::abs(seen[theta2])});
    }
    if (worst_late <= 0.01 && std::abs(x[StateIndex::x]) < 3.0) ++balanced;
  }
  EXPECT_GE(balanced, 9) << "of " << starts;
}

TEST(SwingUpSmc, hands_over_to_the_stabiliser_at_once_near_upright) {
  const DipModel plant = test::nominal_full_plant();
  const ControllerConfig config = test::found_config(ControllerKind::swing_up_smc);
  const auto swing = make_controller(config, plant);
  const auto lqr = make_controller(*config.stabilizer, plant);
  // Near upright, one turn further on: the stabiliser sees the wrapped angles.
  State x = State::Zero();
  x[theta1] = 0.01 + 2.0 * std::numbers::pi;
  x[theta2] = -0.01;
  State wrapped = x;
  wrapped[theta1] = wrap_angle(x[theta1]);
  EXPECT_DOUBLE_EQ(swing->compute(x, 0, 0.01), lqr->compute(wrapped, 0, 0.01));
}

TEST(WrapAngle, wraps_to_the_half_open_interval) {
  EXPECT_DOUBLE_EQ(wrap_angle(std::numbers::pi), std::numbers::pi);
  EXPECT_DOUBLE_EQ(wrap_angle(-std::numbers::pi), std::numbers::pi);
  EXPECT_NEAR(wrap_angle(2.0 * std::numbers::pi + 0.1), 0.1, 1e-12);
  EXPECT_NEAR(wrap_angle(-3.0 * std::numbers::pi + 0.1), -std::numbers::pi + 0.1, 1e-12);
}

/// The ConfigError's one-line message for `config`.
std::string error_of(const ControllerConfig& config) {
  try {
    validate(config, "controllers.x");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(NewLawsConfig, bad_values_are_one_line_errors_naming_the_key) {
  ControllerConfig hybrid = test::found_config(ControllerKind::hybrid_adaptive_sta_smc);
  hybrid.gains[1] = -1.0;
  EXPECT_NE(error_of(hybrid).find("controllers.x.gains[1]"), std::string::npos);
  hybrid = test::found_config(ControllerKind::hybrid_adaptive_sta_smc);
  hybrid.sat_soft_width = 0.01;  // below dead_zone 0.05
  EXPECT_NE(error_of(hybrid).find("sat_soft_width"), std::string::npos);

  ControllerConfig conditional = test::found_config(ControllerKind::conditional_hybrid);
  conditional.w_angle = 0.5;  // weights no longer sum to 1
  EXPECT_NE(error_of(conditional).find("sum"), std::string::npos);

  ControllerConfig mpc = test::found_config(ControllerKind::mpc_controller);
  mpc.horizon = 0;
  EXPECT_NE(error_of(mpc).find("controllers.x.horizon"), std::string::npos);

  ControllerConfig swing = test::found_config(ControllerKind::swing_up_smc);
  swing.exit_energy_factor = 0.99;  // above switch_energy_factor: no hysteresis
  EXPECT_NE(error_of(swing).find("exit_energy_factor"), std::string::npos);
  swing = test::found_config(ControllerKind::swing_up_smc);
  swing.stabilizer.reset();
  EXPECT_NE(error_of(swing).find("stabilizing_controller"), std::string::npos);
  for (const ControllerConfig& c : {hybrid, conditional, mpc, swing}) {
    EXPECT_EQ(error_of(c).find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace simorch
