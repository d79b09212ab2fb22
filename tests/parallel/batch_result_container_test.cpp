#include "simorch/parallel/batch_result_container.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace simorch {
namespace {

TEST(BatchResultContainer, starts_with_every_task_pending_and_nan_trajectories) {
  const BatchResultContainer results(4, 3, 0.05);
  EXPECT_EQ(results.size(), 4u);
  EXPECT_EQ(results.count(TaskStatus::pending), 4u);
  EXPECT_EQ(results.failed_indices(), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(results.states().size(), 4u * 3u * 6u);
  for (const double v : results.states()) EXPECT_TRUE(std::isnan(v));
  const auto times = results.sample_times();
  ASSERT_EQ(times.size(), 3u);
  EXPECT_DOUBLE_EQ(times[2], 0.1);
}

TEST(BatchResultContainer, equal_results_compare_equal_bytewise_whatever_the_producer_left) {
  // Two producers that agree on every field but leave different junk in the bytes that
  // carry no result: after the message's NUL and in the struct's tail padding.
  TaskSummary a;
  TaskSummary b;
  std::memset(static_cast<void*>(&a), 0xAB, sizeof a);
  std::memset(static_cast<void*>(&b), 0x5C, sizeof b);
  for (TaskSummary* s : {&a, &b}) {
    s->task_id = 9;
    s->ise = 1.25;
    s->itae = 0.5;
    s->max_abs_theta1 = s->max_abs_theta2 = s->max_abs_x = s->max_abs_u = 0.0;
    s->control_energy = s->settling_time = s->failure_time_s = s->wall_time_s = 0.0;
    for (double& v : s->final_state) v = 0.0;
    s->steps = s->integrator_steps = s->rejected_steps = 0;
    s->rank = 0;
    s->thread = 1;
    s->status = TaskStatus::diverged;
    s->success = 0;
    std::strcpy(s->message, "NaN in state");
  }
  ASSERT_NE(std::memcmp(&a, &b, sizeof a), 0);

  BatchResultContainer results(2, 0, 0.0);
  results.set_summary(0, a);
  results.set_summary(1, b);
  EXPECT_EQ(std::memcmp(&results.summaries()[0], &results.summaries()[1], sizeof a), 0);
  EXPECT_STREQ(results.summary(1).message, "NaN in state");
  EXPECT_EQ(results.summary(1).status, TaskStatus::diverged);
}

TEST(BatchResultContainer, counts_by_status_and_lists_failures) {
  BatchResultContainer results(5, 2, 0.1);
  const TaskStatus statuses[] = {TaskStatus::completed, TaskStatus::out_of_bounds,
                                 TaskStatus::completed, TaskStatus::error, TaskStatus::diverged};
  for (std::size_t i = 0; i < 5; ++i) {
    TaskSummary s{};
    s.task_id = i;
    s.status = statuses[i];
    s.success = statuses[i] == TaskStatus::completed && i == 0 ? 1 : 0;
    results.set_summary(i, s);
  }
  const auto counts = results.status_counts();
  EXPECT_EQ(counts[static_cast<std::size_t>(TaskStatus::completed)], 2u);
  EXPECT_EQ(counts[static_cast<std::size_t>(TaskStatus::out_of_bounds)], 1u);
  EXPECT_EQ(counts[static_cast<std::size_t>(TaskStatus::error)], 1u);
  EXPECT_EQ(counts[static_cast<std::size_t>(TaskStatus::diverged)], 1u);
  EXPECT_EQ(counts[static_cast<std::size_t>(TaskStatus::pending)], 0u);
  EXPECT_EQ(results.num_successful(), 1u);
  EXPECT_EQ(results.failed_indices(), (std::vector<std::size_t>{1, 3, 4}));
}

TEST(BatchResultContainer, trajectory_slots_are_disjoint_views_of_the_flat_arrays) {
  BatchResultContainer results(3, 2, 0.1);
  for (std::size_t i = 0; i < 3; ++i) {
    const TrajectoryOut slot = results.trajectory_slot(i);
    ASSERT_EQ(slot.state.size(), 12u);
    ASSERT_EQ(slot.control.size(), 2u);
    for (double& v : slot.state) v = static_cast<double>(i);
    for (double& v : slot.control) v = -static_cast<double>(i);
  }
  for (std::size_t i = 0; i < 3; ++i) {
    for (const double v : results.state_trajectory(i)) EXPECT_EQ(v, static_cast<double>(i));
    for (const double v : results.control_trajectory(i)) EXPECT_EQ(v, -static_cast<double>(i));
  }
  EXPECT_EQ(results.states()[12], 1.0);  // task-major: task 1 starts at sample 0 of row 1
  EXPECT_THROW((void)results.control_trajectory(3), std::out_of_range);

  BatchResultContainer without(2, 0, 0.0);
  EXPECT_FALSE(without.has_trajectories());
  EXPECT_TRUE(without.trajectory_slot(1).state.empty());
  EXPECT_TRUE(without.state_trajectory(1).empty());
}

}  // namespace
}  // namespace simorch
