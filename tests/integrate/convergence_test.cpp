#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "simorch/integrate/integrator.hpp"

namespace simorch {
namespace {

// Half a second of the pendulum falling from a tilt (θ1 reaches ~1.5 rad): long enough for
// large nonlinear motion, short enough that the errors are in the asymptotic regime for
// every h below (after 1 s the links whirl at ~20 rad/s and h = 0.02 is no longer small).
constexpr double duration_s = 0.5;
constexpr double force_n = 1.0;  // constant input, so the u path is exercised too

State start_state() {
  State x;
  x << 0.1, 0.2, -0.15, 0.0, 0.3, -0.2;
  return x;
}

/// State at duration_s, stepping with `kind` at step h (one step per "control period").
State integrate(IntegratorKind kind, double h) {
  const DipModel model(ModelKind::full, DipParams{});
  State x = start_state();
  Integrator integrator(IntegratorOptions{kind});
  const auto steps = std::lround(duration_s / h);
  for (long k = 0; k < steps; ++k) {
    EXPECT_EQ(integrator.advance(model, x, force_n, h), AdvanceStatus::ok);
  }
  EXPECT_EQ(integrator.counts().accepted, steps);
  return x;
}

/// Least-squares slope of log(error) against log(h): the observed order of accuracy.
double observed_order(IntegratorKind kind, const std::vector<double>& steps) {
  // RK4 at h = 1e-5 is ~1e-15 from the exact flow, far below every error measured here.
  const State reference = integrate(IntegratorKind::rk4, 1e-5);
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const double h : steps) {
    const double lx = std::log(h);
    const double ly = std::log((integrate(kind, h) - reference).norm());
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
  }
  const double n = static_cast<double>(steps.size());
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

TEST(Convergence, rk4_converges_at_order_four) {
  const double order = observed_order(IntegratorKind::rk4, {0.02, 0.01, 0.005, 0.0025});
  RecordProperty("rk4_order", std::to_string(order));
  EXPECT_NEAR(order, 4.0, 0.3);
}

TEST(Convergence, euler_converges_at_order_one) {
  const double order = observed_order(IntegratorKind::euler, {0.004, 0.002, 0.001, 0.0005});
  RecordProperty("euler_order", std::to_string(order));
  EXPECT_NEAR(order, 1.0, 0.3);
}

TEST(Integrator, names_its_kinds) {
  EXPECT_EQ(allowed_names<IntegratorKind>(), "allowed: euler, rk4, dp45");
  EXPECT_EQ(to_string(IntegratorKind::dp45), "dp45");
}

TEST(Integrator, reports_non_finite_state_and_input) {
  const DipModel model(ModelKind::full, DipParams{});
  for (const IntegratorKind kind :
       {IntegratorKind::euler, IntegratorKind::rk4, IntegratorKind::dp45}) {
    Integrator integrator(IntegratorOptions{kind});
    State x = start_state();
    EXPECT_EQ(integrator.advance(model, x, std::nan(""), 0.01), AdvanceStatus::non_finite);
    x[theta2_dot] = INFINITY;
    EXPECT_EQ(integrator.advance(model, x, 0.0, 0.01), AdvanceStatus::non_finite);
    // A finite state whose velocities overflow within the step.
    x = start_state();
    x[theta1_dot] = 1e160;
    EXPECT_EQ(integrator.advance(model, x, 0.0, 0.01), AdvanceStatus::non_finite)
        << to_string(kind);
  }
}

}  // namespace
}  // namespace simorch
