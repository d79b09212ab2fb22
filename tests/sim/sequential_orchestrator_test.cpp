#include "simorch/sim/sequential_orchestrator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "integrate/allocation_counter.hpp"
#include "simorch/error.hpp"

namespace simorch {
namespace {

SimConfig config_for(double duration_s, double dt_s, std::int64_t save_every = 0) {
  SimConfig config;
  config.duration = duration_s;
  config.dt = dt_s;
  config.save_every = save_every;
  return config;
}

ControllerConfig lqr() {
  ControllerConfig config;
  config.kind = ControllerKind::lqr;
  return config;
}

ControllerConfig open_loop(std::vector<double> sequence) {
  ControllerConfig config;
  config.kind = ControllerKind::open_loop;
  config.sequence = std::move(sequence);
  return config;
}

TaskSpec task_with(State x, std::uint64_t id = 0, DipParams params = {}) {
  TaskSpec task;
  task.id = id;
  task.initial_state = x;
  task.params = params;
  return task;
}

State tilt(double theta1, double theta2 = 0.0) {
  State x = State::Zero();
  x[StateIndex::theta1] = theta1;
  x[StateIndex::theta2] = theta2;
  return x;
}

/// Trajectory storage sized for a config, pre-filled with a sentinel so that a sample
/// run() forgets to write is visible.
struct Buffers {
  std::vector<double> state;
  std::vector<double> control;
  explicit Buffers(const SimConfig& config)
      : state(static_cast<std::size_t>(6 * config.num_samples()), -12345.0),
        control(static_cast<std::size_t>(config.num_samples()), -12345.0) {}
  TrajectoryOut out() { return {state, control}; }
  double at(std::size_t sample, Eigen::Index component) const {
    return state[6 * sample + static_cast<std::size_t>(component)];
  }
};

/// The ConfigError the constructor throws for these inputs.
ConfigError construction_error(const SimConfig& sim, const ControllerConfig& controller,
                               const DipParams& nominal = {}) {
  try {
    SequentialOrchestrator orchestrator(sim, controller, nominal);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "constructor accepted an invalid configuration";
  return ConfigError("", "", "");
}

TEST(SequentialOrchestrator, rejects_invalid_simulation_settings_with_their_keys) {
  const std::vector<std::pair<std::function<void(SimConfig&)>, std::string>> cases = {
      {[](SimConfig& c) { c.dt = 0.0; }, "simulation.dt"},
      {[](SimConfig& c) { c.dt = -0.01; }, "simulation.dt"},
      {[](SimConfig& c) { c.duration = 0.001; }, "simulation.duration"},
      {[](SimConfig& c) { c.save_every = -1; }, "output.save_every"},
      {[](SimConfig& c) { c.integrator.rtol = 0.0; }, "simulation.rtol"},
      {[](SimConfig& c) { c.integrator.atol = -1e-9; }, "simulation.atol"},
      {[](SimConfig& c) { c.integrator.min_step = 0.1; }, "simulation.min_step"},
      {[](SimConfig& c) { c.settle_tolerance = 0.0; }, "simulation.settle_tolerance"},
      {[](SimConfig& c) { c.bounds.max_abs_theta = NAN; }, "simulation.bounds.max_abs_theta"},
  };
  for (const auto& [mutate, key] : cases) {
    SimConfig config = config_for(1.0, 0.01);
    mutate(config);
    const ConfigError e = construction_error(config, lqr());
    EXPECT_EQ(e.key_path(), key) << e.what();
    EXPECT_NE(std::string(e.what()).find("allowed"), std::string::npos) << e.what();
  }
}

TEST(SequentialOrchestrator, rejects_invalid_controller_and_nominal_plant_with_their_keys) {
  ControllerConfig smc;
  smc.kind = ControllerKind::classical_smc;
  smc.gains = {1.0, 2.0, 3.0};
  EXPECT_EQ(construction_error(config_for(1.0, 0.01), smc).key_path(),
            "controllers.classical_smc.gains");
  ControllerConfig bad_r = lqr();
  bad_r.r = 0.0;
  EXPECT_EQ(construction_error(config_for(1.0, 0.01), bad_r).key_path(), "controllers.lqr.r");
  DipParams nominal;
  nominal.pendulum1_length = -0.4;
  EXPECT_EQ(construction_error(config_for(1.0, 0.01), lqr(), nominal).key_path(),
            "physics.pendulum1_length");
}

TEST(SequentialOrchestrator, zero_state_stays_zero_and_is_settled_from_the_start) {
  const SimConfig config = config_for(2.0, 0.01);
  const SequentialOrchestrator orchestrator(config, lqr(), DipParams{});
  const TaskSummary s = orchestrator.run(task_with(State::Zero(), 42));
  EXPECT_EQ(s.task_id, 42u);
  EXPECT_EQ(s.status, TaskStatus::completed);
  EXPECT_STREQ(s.message, "");
  EXPECT_EQ(s.steps, 200);
  EXPECT_EQ(s.integrator_steps, 200);
  EXPECT_EQ(s.rejected_steps, 0);
  for (const auto metric :
       {&TaskSummary::ise, &TaskSummary::itae, &TaskSummary::control_energy,
        &TaskSummary::max_abs_theta1, &TaskSummary::max_abs_theta2, &TaskSummary::max_abs_x,
        &TaskSummary::max_abs_u, &TaskSummary::settling_time}) {
    EXPECT_EQ(s.*metric, 0.0);
  }
  EXPECT_EQ(s.success, 1);
  for (const double v : s.final_state) EXPECT_EQ(v, 0.0);
  EXPECT_GE(s.wall_time_s, 0.0);
}

// Every metric recomputed from the saved trajectory with its docs/physics.md definition.
TEST(SequentialOrchestrator, metrics_follow_their_definitions_on_the_saved_trajectory) {
  const SimConfig config = config_for(3.0, 0.01, 1);
  const SequentialOrchestrator orchestrator(config, lqr(), DipParams{});
  Buffers buffers(config);
  const TaskSummary s = orchestrator.run(task_with(tilt(0.1, -0.05)), buffers.out());
  ASSERT_EQ(s.status, TaskStatus::completed) << s.message;
  const double dt = config.dt;
  double ise = 0, itae = 0, energy = 0, max_u = 0, max_t1 = 0, max_t2 = 0, max_x = 0;
  std::int64_t settle = -1;
  for (std::size_t k = 0; k <= 300; ++k) {
    const double t1 = std::abs(buffers.at(k, theta1));
    const double t2 = std::abs(buffers.at(k, theta2));
    max_t1 = std::max(max_t1, t1);
    max_t2 = std::max(max_t2, t2);
    max_x = std::max(max_x, std::abs(buffers.at(k, StateIndex::x)));
    const bool inside = t1 <= config.settle_tolerance && t2 <= config.settle_tolerance;
    settle = inside ? (settle < 0 ? static_cast<std::int64_t>(k) : settle) : -1;
    if (k == 300) break;  // the final state starts no period
    double squared = 0;
    for (Eigen::Index i = 0; i < 6; ++i) squared += buffers.at(k, i) * buffers.at(k, i);
    const double u = buffers.control[k];
    ise += squared * dt;
    itae += static_cast<double>(k) * dt * (t1 + t2) * dt;
    energy += u * u * dt;
    max_u = std::max(max_u, std::abs(u));
  }
  EXPECT_NEAR(s.ise, ise, 1e-12 * ise);
  EXPECT_NEAR(s.itae, itae, 1e-12 * itae);
  EXPECT_NEAR(s.control_energy, energy, 1e-12 * energy);
  EXPECT_EQ(s.max_abs_u, max_u);
  EXPECT_EQ(s.max_abs_theta1, max_t1);
  EXPECT_EQ(s.max_abs_theta2, max_t2);
  EXPECT_EQ(s.max_abs_x, max_x);
  ASSERT_GT(settle, 0);
  EXPECT_EQ(s.settling_time, static_cast<double>(settle) * dt);
  EXPECT_EQ(s.success, 1);
  EXPECT_GE(s.max_abs_theta1, 0.1);
  for (Eigen::Index i = 0; i < 6; ++i) EXPECT_EQ(s.final_state[i], buffers.at(300, i));
}

TEST(SequentialOrchestrator, open_loop_control_energy_is_the_integral_of_the_held_force) {
  // No gravity: the plant stays near rest and the run completes, so all 100 periods count.
  DipParams plant;
  plant.gravity = 0.0;
  const SimConfig config = config_for(1.0, 0.01);
  const SequentialOrchestrator orchestrator(config, open_loop(std::vector<double>(50, 0.5)),
                                            DipParams{});
  const TaskSummary s = orchestrator.run(task_with(State::Zero(), 0, plant));
  ASSERT_EQ(s.status, TaskStatus::completed) << s.message;
  EXPECT_NEAR(s.control_energy, 50 * 0.25 * 0.01, 1e-15);
  EXPECT_EQ(s.max_abs_u, 0.5);
  EXPECT_GT(s.final_state[StateIndex::x_dot], 0.0);  // pushed forward
}

TEST(SequentialOrchestrator, a_run_that_never_settles_completes_without_success) {
  DipParams plant;
  plant.gravity = 0.0;  // a tilted link at rest stays tilted
  const SequentialOrchestrator orchestrator(config_for(1.0, 0.01), open_loop({}), DipParams{});
  const TaskSummary s = orchestrator.run(task_with(tilt(0.5), 0, plant));
  EXPECT_EQ(s.status, TaskStatus::completed);
  EXPECT_TRUE(std::isnan(s.settling_time));
  EXPECT_TRUE(std::isnan(s.failure_time_s)) << "a completed task has no failure time";
  EXPECT_EQ(s.success, 0);
}

TEST(SequentialOrchestrator, huge_initial_velocity_is_a_status_not_an_exception) {
  const SimConfig config = config_for(5.0, 0.01);
  const SequentialOrchestrator orchestrator(config, lqr(), DipParams{});
  State x = State::Zero();
  x[theta1_dot] = 200.0;  // inside the velocity bound, far outside what 150 N can catch
  const TaskSummary s = orchestrator.run(task_with(x));
  EXPECT_TRUE(s.status == TaskStatus::out_of_bounds || s.status == TaskStatus::diverged)
      << to_string(s.status);
  EXPECT_LT(s.steps, config.num_steps());
  EXPECT_GT(std::strlen(s.message), 0u);
  EXPECT_EQ(s.success, 0);
  EXPECT_TRUE(std::isnan(s.settling_time));

  x[theta1_dot] = 1e200;  // beyond max_abs_velocity before the first step
  const TaskSummary at_start = orchestrator.run(task_with(x));
  EXPECT_EQ(at_start.status, TaskStatus::out_of_bounds);
  EXPECT_EQ(at_start.steps, 0);
  EXPECT_EQ(at_start.failure_time_s, 0.0);
  EXPECT_NE(std::string(at_start.message).find("theta1_dot"), std::string::npos)
      << at_start.message;
}

TEST(SequentialOrchestrator, overflowing_state_is_diverged) {
  SimConfig config = config_for(1.0, 0.01);
  config.bounds.max_abs_velocity = config.bounds.max_abs_x = config.bounds.max_abs_theta = 1e308;
  const SequentialOrchestrator orchestrator(config, open_loop({}), DipParams{});
  State x = State::Zero();
  x[theta1_dot] = 1e155;  // its square overflows inside the first step
  const TaskSummary s = orchestrator.run(task_with(x));
  EXPECT_EQ(s.status, TaskStatus::diverged);
  EXPECT_EQ(s.steps, 1);
  EXPECT_EQ(s.failure_time_s, 0.01) << "the end of the period in which it diverged";
  EXPECT_NE(std::string(s.message).find("NaN"), std::string::npos) << s.message;
  EXPECT_FALSE(Eigen::Map<const State>(s.final_state).allFinite());
}

// No control and no friction: the pendulum falls past π and the run stops there.
TEST(SequentialOrchestrator, trajectory_is_nan_after_an_early_stop) {
  const SimConfig config = config_for(5.0, 0.01, 1);
  const SequentialOrchestrator orchestrator(config, open_loop({}), DipParams{});
  Buffers buffers(config);
  const TaskSummary s = orchestrator.run(task_with(tilt(0.3)), buffers.out());
  ASSERT_EQ(s.status, TaskStatus::out_of_bounds) << s.message;
  const auto stop = static_cast<std::size_t>(s.steps);
  ASSERT_GT(stop, 0u);
  ASSERT_LT(stop, 500u);
  // The first sample outside the bounds, as the message says ("at t = ... s").
  EXPECT_EQ(s.failure_time_s, static_cast<double>(s.steps) * config.dt);
  char at[32];
  std::snprintf(at, sizeof at, "at t = %.6g s", s.failure_time_s);
  EXPECT_NE(std::string(s.message).find(at), std::string::npos) << s.message << " / " << at;
  for (std::size_t k = 0; k < stop; ++k) {
    for (Eigen::Index i = 0; i < 6; ++i) ASSERT_TRUE(std::isfinite(buffers.at(k, i))) << k;
    ASSERT_EQ(buffers.control[k], 0.0) << k;
  }
  for (Eigen::Index i = 0; i < 6; ++i) EXPECT_EQ(buffers.at(stop, i), s.final_state[i]);
  EXPECT_GT(std::max(std::abs(s.final_state[theta1]), std::abs(s.final_state[theta2])), M_PI);
  EXPECT_TRUE(std::isnan(buffers.control[stop]));  // no force after the stop
  for (std::size_t k = stop + 1; k < buffers.control.size(); ++k) {
    for (Eigen::Index i = 0; i < 6; ++i) ASSERT_TRUE(std::isnan(buffers.at(k, i))) << k;
    ASSERT_TRUE(std::isnan(buffers.control[k])) << k;
  }
}

TEST(SequentialOrchestrator, decimated_trajectory_holds_every_kth_step) {
  const SimConfig every_step = config_for(0.1, 0.01, 1);
  const SimConfig every_third = config_for(0.1, 0.01, 3);
  ASSERT_EQ(every_third.num_samples(), 4);  // steps 0, 3, 6, 9
  Buffers full(every_step);
  Buffers decimated(every_third);
  SequentialOrchestrator(every_step, lqr(), DipParams{}).run(task_with(tilt(0.05)), full.out());
  SequentialOrchestrator(every_third, lqr(), DipParams{})
      .run(task_with(tilt(0.05)), decimated.out());
  for (std::size_t j = 0; j < 4; ++j) {
    for (Eigen::Index i = 0; i < 6; ++i) EXPECT_EQ(decimated.at(j, i), full.at(3 * j, i));
    EXPECT_EQ(decimated.control[j], full.control[3 * j]);
    EXPECT_TRUE(std::isfinite(decimated.control[j]));  // step 9 is not the final time
  }
  EXPECT_TRUE(std::isnan(full.control[10]));  // the final time: no force after it
}

TEST(SequentialOrchestrator, wrong_trajectory_buffer_size_is_an_error_status) {
  const SimConfig config = config_for(1.0, 0.01, 10);
  const SequentialOrchestrator orchestrator(config, lqr(), DipParams{});
  std::vector<double> state(6 * 5);
  std::vector<double> control(5);
  const TaskSummary s = orchestrator.run(task_with(tilt(0.05)), {state, control});
  EXPECT_EQ(s.status, TaskStatus::error);
  EXPECT_NE(std::string(s.message).find("trajectory"), std::string::npos) << s.message;
}

TEST(SequentialOrchestrator, impossible_sampled_parameters_are_an_error_status) {
  const SimConfig config = config_for(1.0, 0.01, 10);
  const SequentialOrchestrator orchestrator(config, lqr(), DipParams{});
  DipParams params;
  params.cart_mass = -0.2;
  Buffers buffers(config);
  const TaskSummary s = orchestrator.run(task_with(tilt(0.05), 3, params), buffers.out());
  EXPECT_EQ(s.status, TaskStatus::error);
  EXPECT_EQ(s.task_id, 3u);
  EXPECT_NE(std::string(s.message).find("physics.cart_mass"), std::string::npos) << s.message;
  for (const double v : buffers.state) EXPECT_TRUE(std::isnan(v));
}

TEST(SequentialOrchestrator, dp45_step_floor_is_an_error_status) {
  SimConfig config = config_for(1.0, 0.01);
  config.integrator.kind = IntegratorKind::dp45;
  config.integrator.rtol = 1e-14;
  config.integrator.atol = 1e-17;
  config.integrator.min_step = 1e-3;
  const SequentialOrchestrator orchestrator(config, lqr(), DipParams{});
  const TaskSummary s = orchestrator.run(task_with(tilt(0.2)));
  EXPECT_EQ(s.status, TaskStatus::error);
  EXPECT_NE(std::string(s.message).find("min_step"), std::string::npos) << s.message;
  EXPECT_GT(s.rejected_steps, 0);
}

// The same closed loop through RK4 (one step per period) and dp45 at two tolerances: the
// tight dp45 run is the reference; the default one must be far closer to it than RK4's
// O(dt⁴) error, and RK4 must still be close (the zero-order hold is identical in all three).
TEST(SequentialOrchestrator, dp45_and_rk4_agree_on_a_stabilised_run) {
  SimConfig config = config_for(3.0, 0.01);
  const TaskSpec task = task_with(tilt(0.1, -0.1));
  const TaskSummary rk4 = SequentialOrchestrator(config, lqr(), DipParams{}).run(task);
  config.integrator.kind = IntegratorKind::dp45;
  const TaskSummary dp45 = SequentialOrchestrator(config, lqr(), DipParams{}).run(task);
  config.integrator.rtol = 1e-11;
  config.integrator.atol = 1e-14;
  const TaskSummary tight = SequentialOrchestrator(config, lqr(), DipParams{}).run(task);
  for (const TaskSummary* s : {&rk4, &dp45, &tight}) {
    ASSERT_EQ(s->status, TaskStatus::completed) << s->message;
  }
  const double rk4_error = std::abs(rk4.control_energy - tight.control_energy);
  const double dp45_error = std::abs(dp45.control_energy - tight.control_energy);
  RecordProperty("rk4_relative_error", std::to_string(rk4_error / tight.control_energy));
  RecordProperty("dp45_relative_error", std::to_string(dp45_error / tight.control_energy));
  EXPECT_LT(rk4_error, 1e-4 * tight.control_energy);
  EXPECT_LT(dp45_error, 1e-5 * tight.control_energy);
  EXPECT_LT(dp45_error, rk4_error);
  EXPECT_NEAR(dp45.ise, tight.ise, 1e-5 * tight.ise);
  EXPECT_GT(tight.integrator_steps, dp45.integrator_steps);
  EXPECT_GE(dp45.integrator_steps, 300);
}

// The heap is touched per task (the controller clone), never per control step: a run ten
// times longer allocates exactly as often.
TEST(SequentialOrchestrator, allocations_do_not_grow_with_the_number_of_steps) {
  std::int64_t allocations[2] = {};
  const double durations[2] = {1.0, 10.0};
  for (int i = 0; i < 2; ++i) {
    SimConfig config = config_for(durations[i], 0.01, 10);
    config.integrator.kind = IntegratorKind::dp45;
    const SequentialOrchestrator orchestrator(config, lqr(), DipParams{});
    Buffers buffers(config);
    const std::int64_t before = test::allocation_count();
    const TaskSummary s = orchestrator.run(task_with(tilt(0.1)), buffers.out());
    allocations[i] = test::allocation_count() - before;
    ASSERT_EQ(s.status, TaskStatus::completed) << s.message;
  }
  EXPECT_EQ(allocations[0], allocations[1]);
  EXPECT_GE(allocations[0], 1);  // the controller clone: proves the counter counts
  EXPECT_LE(allocations[0], 2);
}

/// Byte equality of every field that belongs to the bitwise results (not wall time,
/// rank or thread).
void expect_same_bytes(const TaskSummary& a, const TaskSummary& b) {
  auto same = [](const auto& x, const auto& y) { return std::memcmp(&x, &y, sizeof x) == 0; };
  EXPECT_TRUE(same(a.task_id, b.task_id));
  EXPECT_TRUE(same(a.ise, b.ise));
  EXPECT_TRUE(same(a.itae, b.itae));
  EXPECT_TRUE(same(a.max_abs_theta1, b.max_abs_theta1));
  EXPECT_TRUE(same(a.max_abs_theta2, b.max_abs_theta2));
  EXPECT_TRUE(same(a.max_abs_x, b.max_abs_x));
  EXPECT_TRUE(same(a.max_abs_u, b.max_abs_u));
  EXPECT_TRUE(same(a.control_energy, b.control_energy));
  EXPECT_TRUE(same(a.settling_time, b.settling_time));
  EXPECT_TRUE(same(a.final_state, b.final_state));
  EXPECT_TRUE(same(a.steps, b.steps));
  EXPECT_TRUE(same(a.integrator_steps, b.integrator_steps));
  EXPECT_TRUE(same(a.rejected_steps, b.rejected_steps));
  EXPECT_TRUE(same(a.status, b.status));
  EXPECT_TRUE(same(a.success, b.success));
  EXPECT_TRUE(same(a.message, b.message));
}

TEST(SequentialOrchestrator, same_task_gives_identical_bytes_on_any_thread) {
  for (const IntegratorKind kind : {IntegratorKind::rk4, IntegratorKind::dp45}) {
    SimConfig config = config_for(2.0, 0.01, 5);
    config.integrator.kind = kind;
    config.model = ModelKind::simplified;
    ControllerConfig sta;
    sta.kind = ControllerKind::sta_smc;
    sta.gains = {2.0, 6.7, 5.6, 3.7, 4.4, 2.1};
    const SequentialOrchestrator orchestrator(config, sta, DipParams{});
    DipParams perturbed;
    perturbed.pendulum2_mass = 0.17;
    const TaskSpec task = task_with(tilt(0.08, -0.04), 7, perturbed);
    Buffers first(config), second(config), third(config);
    const TaskSummary a = orchestrator.run(task, first.out());
    const TaskSummary b = orchestrator.run(task, second.out());
    TaskSummary c;
    std::thread([&] { c = orchestrator.run(task, third.out()); }).join();
    expect_same_bytes(a, b);
    expect_same_bytes(a, c);
    EXPECT_EQ(std::memcmp(first.state.data(), third.state.data(), first.state.size() * 8), 0);
    EXPECT_EQ(std::memcmp(first.control.data(), third.control.data(), first.control.size() * 8), 0);
    EXPECT_NE(a.ise, 0.0);
  }
}

}  // namespace
}  // namespace simorch
