#include "simorch/sim/sim_config.hpp"

#include <gtest/gtest.h>

#include "simorch/sim/task.hpp"

namespace simorch {
namespace {

TEST(SimConfig, counts_steps_by_rounding_duration_over_dt) {
  SimConfig config;
  config.duration = 10.0;
  config.dt = 0.01;  // 10 / 0.01 is 999.999... in binary floating point
  EXPECT_EQ(config.num_steps(), 1000);
  config.dt = 0.001;
  EXPECT_EQ(config.num_steps(), 10000);
  config.duration = 0.001;
  EXPECT_EQ(config.num_steps(), 1);
}

TEST(SimConfig, counts_samples_from_step_zero_every_kth_step) {
  SimConfig config;
  config.duration = 10.0;
  config.dt = 0.01;
  EXPECT_EQ(config.num_samples(), 0);  // save_every 0: no trajectory
  config.save_every = 1;
  EXPECT_EQ(config.num_samples(), 1001);  // t = 0 and every step up to t = 10
  config.save_every = 7;
  EXPECT_EQ(config.num_samples(), 143);  // steps 0, 7, ..., 994
  config.save_every = 5000;
  EXPECT_EQ(config.num_samples(), 1);  // only the initial state
}

TEST(TaskStatus, has_the_batch_file_names) {
  EXPECT_EQ(to_string(TaskStatus::pending), "pending");
  EXPECT_EQ(to_string(TaskStatus::completed), "completed");
  EXPECT_EQ(to_string(TaskStatus::out_of_bounds), "out_of_bounds");
  EXPECT_EQ(to_string(TaskStatus::diverged), "diverged");
  EXPECT_EQ(to_string(TaskStatus::error), "error");
}

}  // namespace
}  // namespace simorch
