#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>

#include "closed_loop.hpp"
#include "simorch/control/controller.hpp"
#include "simorch/control/lqr_design.hpp"
#include "simorch/error.hpp"

namespace simorch {
namespace {

using Vector6 = Eigen::Matrix<double, 6, 1>;

Vector6 default_q() {
  const ControllerConfig config;
  return Eigen::Map<const Vector6>(config.q.data());
}

TEST(Lqr, closed_loop_of_the_linearised_full_model_is_stable) {
  const LinearModel plant = test::nominal_full_plant().linearize();
  const LqrDesign design = design_lqr(plant, default_q(), ControllerConfig{}.r);

  // Recompute the spectrum independently of design_lqr's own check.
  const Eigen::Matrix<double, 6, 6> closed = plant.a - plant.b * design.gain;
  const Eigen::EigenSolver<Eigen::Matrix<double, 6, 6>> solver(closed, false);
  ASSERT_EQ(solver.info(), Eigen::Success);
  for (Eigen::Index i = 0; i < 6; ++i) {
    EXPECT_LT(solver.eigenvalues()[i].real(), 0.0) << solver.eigenvalues()[i];
  }
  // The open loop is unstable (both links fall), so the stability is the controller's.
  const Eigen::EigenSolver<Eigen::Matrix<double, 6, 6>> open(plant.a, false);
  EXPECT_GT(open.eigenvalues().real().maxCoeff(), 1.0);
}

TEST(Lqr, riccati_solution_is_symmetric_positive_definite_and_solves_the_care) {
  const LinearModel plant = test::nominal_full_plant().linearize();
  const Vector6 q = default_q();
  const double r = 0.1;
  const LqrDesign design = design_lqr(plant, q, r);
  const Eigen::Matrix<double, 6, 6>& p = design.riccati;

  EXPECT_LT((p - p.transpose()).norm(), 1e-9 * p.norm());
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, 6, 6>> spd(p);
  EXPECT_GT(spd.eigenvalues().minCoeff(), 0.0);
  const Eigen::Matrix<double, 6, 6> residual = plant.a.transpose() * p + p * plant.a -
                                               p * plant.b * plant.b.transpose() * p / r +
                                               Eigen::Matrix<double, 6, 6>(q.asDiagonal());
  EXPECT_LT(residual.norm(), 1e-8 * q.norm());
  EXPECT_LT(design.residual, 1e-8);
  EXPECT_LT((design.gain - plant.b.transpose() * p / r).norm(), 1e-9 * design.gain.norm());
}

TEST(Lqr, matches_the_closed_form_gain_of_a_double_integrator) {
  // ẍ = u with Q = diag(q1, q2), R = r: the 2×2 CARE solved by hand gives p12 = √(q1·r),
  // p22 = √(r·(q2 + 2·p12)), so K = [√(q1/r), √(q2/r + 2√(q1/r))]. The other four states
  // are stable, unweighted and unactuated, so they must get zero gain.
  LinearModel plant;
  plant.a.setZero();
  plant.a(0, 1) = 1.0;
  for (Eigen::Index i = 2; i < 6; ++i) plant.a(i, i) = -1.0 - static_cast<double>(i);
  plant.b.setZero();
  plant.b(1) = 1.0;
  Vector6 q = Vector6::Zero();
  q(0) = 4.0;
  q(1) = 3.0;
  const double r = 0.25;
  const LqrDesign design = design_lqr(plant, q, r);

  const double k0 = std::sqrt(q(0) / r);
  const double k1 = std::sqrt(q(1) / r + 2.0 * k0);
  EXPECT_NEAR(design.gain(0), k0, 1e-10);
  EXPECT_NEAR(design.gain(1), k1, 1e-10);
  EXPECT_LT(design.gain.tail<4>().norm(), 1e-10);
}

TEST(Lqr, rejects_weights_that_leave_the_cart_position_unpenalised) {
  // The cart position is a pure integrator: with q_x = 0 the optimal law ignores it and
  // the closed loop keeps an eigenvalue at 0, which is not asymptotically stable.
  ControllerConfig config;
  config.kind = ControllerKind::lqr;
  config.q = {0.0, 100.0, 100.0, 1.0, 1.0, 1.0};
  EXPECT_THROW((void)make_controller(config, test::nominal_full_plant()), Error);
}

TEST(Lqr, brings_the_nominal_full_plant_upright_within_five_seconds) {
  const DipModel plant = test::nominal_full_plant();
  ControllerConfig config;
  config.kind = ControllerKind::lqr;
  const auto controller = make_controller(config, plant);
  const test::ClosedLoopRun run =
      test::run_closed_loop(*controller, plant, test::tilted_start(), 0.01, 10.0);

  ASSERT_TRUE(run.stayed_up);
  EXPECT_LT(run.settling_time(0.01), 5.0);
  EXPECT_LE(run.max_angle_after(5.0), 0.01);
  // LQR also weights x: the cart returns to the origin.
  EXPECT_LT(std::abs(run.final_state[StateIndex::x]), 0.01);
  EXPECT_LT(run.max_abs_cart(), 1.0);
}

TEST(Lqr, clone_carries_the_same_gain) {
  const DipModel plant = test::nominal_full_plant();
  ControllerConfig config;
  config.kind = ControllerKind::lqr;
  const auto original = make_controller(config, plant);
  const auto copy = original->clone();
  State x = test::tilted_start();
  x[StateIndex::x_dot] = 0.3;
  EXPECT_EQ(original->compute(x, 0, 0.01), copy->compute(x, 0, 0.01));
  EXPECT_NE(copy->compute(x, 0, 0.01), 0.0);
}

}  // namespace
}  // namespace simorch
