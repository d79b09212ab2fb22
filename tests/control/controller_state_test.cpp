// Saturation, per-task state and the update rules of the stateful laws.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "closed_loop.hpp"
#include "simorch/control/controller.hpp"

namespace simorch {
namespace {

ControllerConfig config_of(ControllerKind kind) {
  ControllerConfig config = test::found_config(kind);
  if (kind == ControllerKind::open_loop) config.sequence = {1.0, -2.0, 400.0, -400.0};
  return config;
}

constexpr ControllerKind kAllKinds[] = {ControllerKind::classical_smc, ControllerKind::sta_smc,
                                        ControllerKind::adaptive_smc, ControllerKind::lqr,
                                        ControllerKind::open_loop};

TEST(Saturation, every_law_keeps_the_force_within_max_force_and_uses_it) {
  // A small actuator and a large tilt: every law would ask for more than 5 N.
  const DipModel plant = test::nominal_full_plant();
  State x0 = State::Zero();
  x0[theta1] = 0.4;
  x0[theta2] = -0.3;
  for (ControllerKind kind : kAllKinds) {
    ControllerConfig config = config_of(kind);
    config.max_force = 5.0;
    const auto controller = make_controller(config, plant);
    const test::ClosedLoopRun run = test::run_closed_loop(*controller, plant, x0, 0.01, 1.0);
    ASSERT_FALSE(run.force.empty());
    EXPECT_LE(run.max_abs_force(), 5.0) << to_string(kind);
    EXPECT_EQ(run.max_abs_force(), 5.0) << to_string(kind) << ": saturation never engaged";
  }
}

TEST(OpenLoop, plays_the_sequence_saturated_then_zero) {
  const auto controller =
      make_controller(config_of(ControllerKind::open_loop), test::nominal_full_plant());
  const State x = test::tilted_start();
  EXPECT_EQ(controller->compute(x, 0, 0.01), 1.0);
  EXPECT_EQ(controller->compute(x, 1, 0.01), -2.0);
  EXPECT_EQ(controller->compute(x, 2, 0.01), 150.0);
  EXPECT_EQ(controller->compute(x, 3, 0.01), -150.0);
  EXPECT_EQ(controller->compute(x, 4, 0.01), 0.0);
  EXPECT_EQ(controller->compute(x, 1000, 0.01), 0.0);
}

/// Drives `used` for a while from a slightly tilted state so its internal state moves
/// away from the initial one (not so tilted that u saturates: the super-twisting
/// integral rightly stops there).
void exercise(Controller& used) {
  State x = State::Zero();
  x[theta1] = 0.01;
  for (std::int64_t k = 0; k < 300; ++k) (void)used.compute(x, k, 0.01);
}

TEST(ControllerState, clones_of_a_prototype_do_not_interact) {
  const DipModel plant = test::nominal_full_plant();
  for (ControllerKind kind : kAllKinds) {
    const auto prototype = make_controller(config_of(kind), plant);
    const auto first = prototype->clone();
    const auto second = prototype->clone();
    exercise(*first);
    const State probe = test::tilted_start();
    const auto fresh = prototype->clone();
    EXPECT_EQ(second->compute(probe, 0, 0.01), fresh->compute(probe, 0, 0.01)) << to_string(kind);
  }
}

TEST(ControllerState, clone_starts_from_the_initial_internal_state) {
  const DipModel plant = test::nominal_full_plant();
  // Near upright, so that neither output is clipped at max_force.
  State probe = State::Zero();
  probe[theta1] = 0.002;
  probe[theta2] = -0.001;
  for (ControllerKind kind : {ControllerKind::sta_smc, ControllerKind::adaptive_smc}) {
    const auto controller = make_controller(config_of(kind), plant);
    const double initial = controller->clone()->compute(probe, 0, 0.01);
    exercise(*controller);
    // The used controller has moved (so the check below means something)...
    EXPECT_NE(controller->compute(probe, 0, 0.01), initial) << to_string(kind);
    // ...but its clone is a fresh task.
    EXPECT_EQ(controller->clone()->compute(probe, 0, 0.01), initial) << to_string(kind);
  }
}

/// State with the given angles, at rest.
State at_angles(double a1, double a2) {
  State x = State::Zero();
  x[theta1] = a1;
  x[theta2] = a2;
  return x;
}

TEST(AdaptiveSmc, gain_grows_at_the_rate_limit_up_to_k_max) {
  // Far outside the boundary layer sat(σ/ε) = ±1, so |u| = K + α|σ| and every change of
  // |u| between calls at the same state is the adaptation of K.
  ControllerConfig config = config_of(ControllerKind::adaptive_smc);
  config.gains = {1.0, -1.0, 1.0, 1.0, 50.0};  // σ = θ̇1 + θ1 − θ̇2 − θ2
  config.k_init = 10.0;
  config.k_max = 10.5;
  config.adapt_rate_limit = 20.0;
  config.alpha = 0.0;
  config.leak_rate = 0.0;
  const auto controller = make_controller(config, test::nominal_full_plant());
  const State x = at_angles(0.5, 0.0);  // σ = 0.5: γ|σ| = 25 > the limit 20
  const double dt = 0.01;
  EXPECT_NEAR(std::abs(controller->compute(x, 0, dt)), 10.0, 1e-12);
  EXPECT_NEAR(std::abs(controller->compute(x, 1, dt)), 10.2, 1e-12);
  EXPECT_NEAR(std::abs(controller->compute(x, 2, dt)), 10.4, 1e-12);
  EXPECT_NEAR(std::abs(controller->compute(x, 3, dt)), 10.5, 1e-12);  // clamped at K_max
  EXPECT_NEAR(std::abs(controller->compute(x, 4, dt)), 10.5, 1e-12);
}

TEST(AdaptiveSmc, gain_holds_inside_the_dead_zone_and_leaks_towards_k_init_outside) {
  ControllerConfig config = config_of(ControllerKind::adaptive_smc);
  config.gains = {1.0, -1.0, 1.0, 1.0, 1.0};
  config.k_init = 10.0;
  config.alpha = 0.0;
  config.leak_rate = 2.0;
  config.dead_zone = 0.05;
  config.boundary_layer = 0.01;
  const double dt = 0.01;

  // Grow K first (γ|σ| = 5 with σ = 5), then watch the leak at σ = 0.02 (inside the
  // dead zone: hold) and at σ = 0.1 (outside: K̇ = 0.1 − 2(K − 10) < 0).
  const auto controller = make_controller(config, test::nominal_full_plant());
  for (std::int64_t k = 0; k < 100; ++k) (void)controller->compute(at_angles(5.0, 0.0), k, dt);
  const double k_grown = std::abs(controller->compute(at_angles(0.02, 0.0), 100, dt));
  EXPECT_GT(k_grown, 12.0);
  const double k_held = std::abs(controller->compute(at_angles(0.02, 0.0), 101, dt));
  EXPECT_EQ(k_held, k_grown);
  const double k_before_leak = std::abs(controller->compute(at_angles(0.1, 0.0), 102, dt));
  const double k_after_leak = std::abs(controller->compute(at_angles(0.1, 0.0), 103, dt));
  EXPECT_NEAR(k_after_leak, k_before_leak + (0.1 - 2.0 * (k_before_leak - 10.0)) * dt, 1e-9);
}

TEST(StaSmc, integral_stops_at_saturation_instead_of_winding_up) {
  // Hold a large σ long enough for z alone to exceed the actuator, then return to the
  // origin, where u = ±z (σ = 0, u_eq = 0). Without anti-windup z would have reached
  // max_force and the controller would keep pushing at the limit with nothing to correct.
  ControllerConfig config = config_of(ControllerKind::sta_smc);
  config.gains = {10.0, 100.0, 1.0, -1.0, 1.0, 1.0};  // K1 = 10, K2 = 100
  config.enable_equivalent = false;
  config.max_force = 20.0;
  const auto controller = make_controller(config, test::nominal_full_plant());
  const State tilted = at_angles(1.0, 0.0);  // σ = 1 ≫ ε
  const double dt = 0.01;
  double u = 0.0;
  for (std::int64_t k = 0; k < 200; ++k) u = controller->compute(tilted, k, dt);  // 2 s: 200 N of z
  EXPECT_EQ(std::abs(u), 20.0);
  const double at_origin = controller->compute(State::Zero(), 200, dt);
  // z stopped growing once K1·√σ + |z| passed 20 N: |z| ≤ 20 − 10 + K2·dt = 11 N,
  // where a merely clamped integral would sit at 20 N.
  EXPECT_LE(std::abs(at_origin), 20.0 - 10.0 + 100.0 * dt + 1e-12);
  EXPECT_GT(std::abs(at_origin), 9.0);
}

}  // namespace
}  // namespace simorch
