// SimConfig::wraps_angles: a swing-up study reads the angle from upright, whatever the turns.

#include <gtest/gtest.h>

#include <numbers>

#include "simorch/sim/sequential_orchestrator.hpp"

namespace simorch {
namespace {

/// Upright after one whole turn of link 1, at rest, no gravity and no force: nothing moves.
TaskSummary run_turned_over(bool wraps_angles) {
  SimConfig config;
  config.duration = 0.5;
  config.dt = 0.01;
  config.wraps_angles = wraps_angles;
  ControllerConfig controller;
  controller.kind = ControllerKind::open_loop;
  TaskSpec task;
  task.initial_state = State::Zero();
  task.initial_state[theta1] = 2.0 * std::numbers::pi + 0.001;
  task.params.gravity = 0.0;
  return SequentialOrchestrator(config, controller, DipParams{}).run(task);
}

TEST(WrappedAngles, a_link_one_turn_on_is_upright_for_bounds_metrics_and_success) {
  const TaskSummary wrapped = run_turned_over(true);
  EXPECT_EQ(wrapped.status, TaskStatus::completed) << wrapped.message;
  EXPECT_EQ(wrapped.success, 1);
  EXPECT_NEAR(wrapped.max_abs_theta1, 0.001, 1e-9);
  EXPECT_LT(wrapped.ise, 1e-6);
  // The stored final state keeps the turn.
  EXPECT_NEAR(wrapped.final_state[theta1], 2.0 * std::numbers::pi + 0.001, 1e-9);

  const TaskSummary absolute = run_turned_over(false);  // a stabilisation study: fell over
  EXPECT_EQ(absolute.status, TaskStatus::out_of_bounds);
  EXPECT_EQ(absolute.success, 0);
}

}  // namespace
}  // namespace simorch
