#pragma once

// The stabilisation check shared by the controller tests.

#include <gtest/gtest.h>

#include "closed_loop.hpp"

namespace simorch::test {

/// `config` balances the nominal `full` plant from the tilted start: both angles within
/// 0.02 rad from 5 s to 8 s, the cart within 1 m, |u| within max_force.
inline void expect_stabilises(const ControllerConfig& config, double dt_s) {
  const DipModel plant = nominal_full_plant();
  const auto controller = make_controller(config, plant);
  const ClosedLoopRun run = run_closed_loop(*controller, plant, tilted_start(), dt_s, 8.0);
  ASSERT_TRUE(run.stayed_up) << to_string(config.kind) << " dt " << dt_s;
  EXPECT_LE(run.max_angle_after(5.0), 0.02) << to_string(config.kind) << " dt " << dt_s;
  EXPECT_LT(run.max_abs_cart(), 1.0) << to_string(config.kind) << " dt " << dt_s;
  EXPECT_LE(run.max_abs_force(), config.max_force);
}

}  // namespace simorch::test
