#include "simorch/parallel/parallel_orchestrator.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/study/make_task.hpp"
#include "simorch/study/study.hpp"
#include "support/small_study.hpp"

namespace simorch {
namespace {

/// A small closed-loop study built in code: full model, RK4, LQR, 1.5 s per task, a
/// trajectory sample every 5 control periods.
SimConfig small_sim_config() {
  SimConfig config;
  config.model = ModelKind::full;
  config.integrator.kind = IntegratorKind::rk4;
  config.dt = 0.01;
  config.duration = 1.5;
  config.save_every = 5;
  return config;
}

ControllerConfig lqr_config() {
  ControllerConfig controller;
  controller.kind = ControllerKind::lqr;
  return controller;
}

/// `count` tasks with distinct small initial states and ids that are not their index, so
/// a result in the wrong slot cannot go unnoticed.
std::vector<TaskSpec> distinct_tasks(std::size_t count) {
  std::vector<TaskSpec> tasks(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double k = static_cast<double>(i);
    tasks[i].id = 1000 + 7 * i;
    tasks[i].initial_state << 0.02 * std::sin(k), 0.08 * std::cos(0.7 * k),
        -0.05 * std::sin(1.3 * k), 0.0, 0.1 * std::cos(k), 0.0;
  }
  return tasks;
}

/// Summaries as bytes with the fields that say where and how long a task ran zeroed: what
/// must be identical for any thread count.
std::vector<TaskSummary> comparable(const BatchResultContainer& results) {
  std::vector<TaskSummary> out(results.summaries().begin(), results.summaries().end());
  for (auto& s : out) {
    s.rank = 0;
    s.thread = 0;
    s.wall_time_s = 0;
  }
  return out;
}

void expect_bitwise_equal(const BatchResultContainer& a, const BatchResultContainer& b,
                          const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  ASSERT_EQ(a.num_samples(), b.num_samples()) << what;
  const auto sa = comparable(a);
  const auto sb = comparable(b);
  EXPECT_EQ(std::memcmp(sa.data(), sb.data(), sa.size() * sizeof(TaskSummary)), 0) << what;
  ASSERT_EQ(a.states().size(), b.states().size()) << what;
  EXPECT_EQ(std::memcmp(a.states().data(), b.states().data(), a.states().size_bytes()), 0) << what;
  EXPECT_EQ(std::memcmp(a.controls().data(), b.controls().data(), a.controls().size_bytes()), 0)
      << what;
}

/// Holds the first `count` callers until all of them have arrived (or 10 s passed), so that
/// each of `count` pool threads runs at least one task even when tasks are short.
class Rendezvous {
 public:
  explicit Rendezvous(int count) : count_(count) {}
  /// Returns false when the others did not arrive in time.
  bool arrive_and_wait() {
    std::unique_lock lock(mutex_);
    if (++arrived_ >= count_) all_arrived_.notify_all();
    return all_arrived_.wait_for(lock, std::chrono::seconds(10),
                                 [this] { return arrived_ >= count_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable all_arrived_;
  int count_;
  int arrived_ = 0;
};

TEST(ParallelOrchestrator, results_are_bitwise_identical_for_any_thread_count_and_rerun) {
  const SimConfig config = small_sim_config();
  // Enough batch-kernel groups (≤ 16 tasks each) for every one of 8 threads.
  const auto tasks = distinct_tasks(8 * 16 + 5);
  const auto reference =
      run_parallel_simulations(config, lqr_config(), DipParams{}, tasks, /*threads=*/1);
  ASSERT_EQ(reference.size(), tasks.size());
  ASSERT_TRUE(reference.has_trajectories());
  EXPECT_EQ(reference.count(TaskStatus::completed), tasks.size());

  for (const int threads : {1, 2, 3, 8}) {
    ParallelOrchestrator runner(config, lqr_config(), DipParams{}, threads);
    for (int repeat = 0; repeat < 2; ++repeat) {
      SCOPED_TRACE(testing::Message() << threads << " threads, repeat " << repeat);
      Rendezvous rendezvous(threads);
      std::atomic<bool> is_spread{true};
      // Threads claim whole groups of kernel().width() tasks: hold the first task of each
      // of the first `threads` groups.
      const auto width = static_cast<std::uint64_t>(runner.kernel().width());
      const auto results = runner.run(tasks.size(), [&](std::uint64_t i) {
        if (i % width == 0 && i / width < static_cast<std::uint64_t>(threads) &&
            !rendezvous.arrive_and_wait()) {
          is_spread = false;
        }
        return tasks[i];
      });
      ASSERT_TRUE(is_spread.load()) << "not every pool thread picked up a task";
      expect_bitwise_equal(reference, results, "parallel vs 1 thread");
      std::set<int> used;
      for (const auto& s : results.summaries()) {
        EXPECT_EQ(s.rank, 0);
        EXPECT_GE(s.thread, 0);
        EXPECT_LT(s.thread, threads);
        used.insert(s.thread);
      }
      EXPECT_EQ(used.size(), static_cast<std::size_t>(threads));
      EXPECT_EQ(results.timing().threads.size(), static_cast<std::size_t>(threads));
    }
  }
}

// The pool runs groups through the batch kernel; each task's bits are what the kernel
// gives it alone (docs/kernel.md: lanes are independent).
TEST(ParallelOrchestrator, result_i_is_the_kernel_result_of_task_i_alone) {
  const SimConfig config = small_sim_config();
  const auto tasks = distinct_tasks(10);
  const BatchKernel kernel(config, lqr_config(), DipParams{});
  const auto sequential_run = [&](const TaskSpec& task, TrajectoryOut out) {
    TaskSummary summary;
    kernel.run({&task, 1}, {&summary, 1}, {&out, 1});
    return summary;
  };
  ParallelOrchestrator parallel(config, lqr_config(), DipParams{}, 3);
  const auto results = parallel.run(tasks);

  const auto samples = static_cast<std::size_t>(config.num_samples());
  ASSERT_EQ(results.num_samples(), samples);
  std::vector<double> states(samples * 6);
  std::vector<double> controls(samples);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    SCOPED_TRACE(testing::Message() << "task " << i);
    TaskSummary expected = sequential_run(tasks[i], {states, controls});
    const TaskSummary& got = results.summary(i);
    EXPECT_EQ(got.task_id, tasks[i].id);
    EXPECT_EQ(got.status, expected.status);
    // Same doubles bit for bit: the pool adds nothing to a task but where it ran.
    EXPECT_EQ(std::memcmp(&got.ise, &expected.ise, sizeof(double)), 0);
    EXPECT_EQ(std::memcmp(got.final_state, expected.final_state, sizeof expected.final_state), 0);
    EXPECT_EQ(got.steps, expected.steps);
    EXPECT_EQ(std::memcmp(results.state_trajectory(i).data(), states.data(),
                          states.size() * sizeof(double)),
              0);
    EXPECT_EQ(std::memcmp(results.control_trajectory(i).data(), controls.data(),
                          controls.size() * sizeof(double)),
              0);
  }
  // Physics sanity: LQR brings every small perturbation back towards upright.
  for (const auto& s : results.summaries()) {
    EXPECT_LT(std::abs(s.final_state[1]), 0.05);
    EXPECT_LT(std::abs(s.final_state[2]), 0.05);
  }
}

TEST(ParallelOrchestrator, trajectory_layout_and_sample_times_follow_the_config) {
  const SimConfig config = small_sim_config();
  const auto tasks = distinct_tasks(3);
  const auto results = run_parallel_simulations(config, lqr_config(), DipParams{}, tasks, 2);
  const auto samples = static_cast<std::size_t>(config.num_samples());  // 150 / 5 + 1
  EXPECT_EQ(samples, 31u);
  EXPECT_EQ(results.states().size(), tasks.size() * samples * 6);
  EXPECT_EQ(results.controls().size(), tasks.size() * samples);
  const auto times = results.sample_times();
  ASSERT_EQ(times.size(), samples);
  EXPECT_DOUBLE_EQ(times.front(), 0.0);
  EXPECT_NEAR(times.back(), config.duration, 1e-12);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    // The first sample is the initial state the task was given.
    const auto traj = results.state_trajectory(i);
    for (Eigen::Index c = 0; c < 6; ++c) {
      EXPECT_EQ(traj[static_cast<std::size_t>(c)], tasks[i].initial_state[c]);
    }
  }
  EXPECT_THROW((void)results.state_trajectory(3), std::out_of_range);
  EXPECT_THROW((void)results.summary(3), std::out_of_range);
}

TEST(ParallelOrchestrator, diverging_tasks_are_kept_in_place_with_their_status) {
  const SimConfig config = small_sim_config();
  auto tasks = distinct_tasks(12);
  // A huge initial angular velocity cannot be caught by a 150 N cart: the task ends early.
  const std::set<std::size_t> wild = {2, 7, 11};
  for (const std::size_t i : wild) tasks[i].initial_state[StateIndex::theta1_dot] = 500.0;
  // Impossible parameters make the task itself an error, with a message.
  tasks[5].params.cart_mass = -1.0;

  const auto results = run_parallel_simulations(config, lqr_config(), DipParams{}, tasks, 2);
  ASSERT_EQ(results.size(), tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const TaskSummary& s = results.summary(i);
    EXPECT_EQ(s.task_id, tasks[i].id);
    if (wild.count(i) != 0) {
      EXPECT_TRUE(s.status == TaskStatus::out_of_bounds || s.status == TaskStatus::diverged)
          << "task " << i << ": " << to_string(s.status);
      EXPECT_LT(s.steps, config.num_steps());
    } else if (i == 5) {
      EXPECT_EQ(s.status, TaskStatus::error);
      EXPECT_NE(std::string(s.message).find("cart_mass"), std::string::npos) << s.message;
    } else {
      EXPECT_EQ(s.status, TaskStatus::completed) << "task " << i;
    }
  }
  const auto counts = results.status_counts();
  EXPECT_EQ(counts[static_cast<std::size_t>(TaskStatus::completed)], 8u);
  EXPECT_EQ(counts[static_cast<std::size_t>(TaskStatus::error)], 1u);
  EXPECT_EQ(results.count(TaskStatus::out_of_bounds) + results.count(TaskStatus::diverged), 3u);
  EXPECT_EQ(results.count(TaskStatus::pending), 0u);
  EXPECT_EQ(results.failed_indices(), (std::vector<std::size_t>{2, 5, 7, 11}));
}

TEST(ParallelOrchestrator, generator_exceptions_become_error_statuses) {
  ParallelOrchestrator runner(small_sim_config(), lqr_config(), DipParams{}, 2);
  const auto results = runner.run(4, [](std::uint64_t i) {
    if (i == 1) throw ConfigError("tasks[1]", "x", "a valid task");
    TaskSpec task;
    task.id = i;
    task.initial_state[StateIndex::theta1] = 0.01;
    return task;
  });
  EXPECT_EQ(results.summary(1).status, TaskStatus::error);
  EXPECT_NE(std::string(results.summary(1).message).find("tasks[1]"), std::string::npos);
  EXPECT_EQ(results.count(TaskStatus::completed), 3u);
}

TEST(ParallelOrchestrator, empty_batch_gives_an_empty_container) {
  const auto results =
      run_parallel_simulations(small_sim_config(), lqr_config(), DipParams{}, {}, 2);
  EXPECT_TRUE(results.empty());
  EXPECT_TRUE(results.failed_indices().empty());
}

TEST(ParallelOrchestrator, bad_configuration_is_rejected_before_any_task_runs) {
  SimConfig config = small_sim_config();
  config.dt = -0.01;
  EXPECT_THROW(ParallelOrchestrator(config, lqr_config(), DipParams{}, 2), ConfigError);
  EXPECT_THROW(ParallelOrchestrator(small_sim_config(), lqr_config(), DipParams{}, -3),
               ConfigError);
}

const std::string study_yaml = test::lqr_study_text(30, 11, "0.05") + R"(physics_uncertainty:
  cart_mass: 0.1
  pendulum1_mass: 0.05
output:
  save_every: 10
execution:
  threads: 2
)";

TEST(ParallelOrchestrator, runs_a_parsed_study_in_task_id_order_for_any_thread_count) {
  const Study study = parse_study(study_yaml, ".");
  ASSERT_EQ(study.num_tasks(), 30u);

  const auto one = run_parallel_simulations(study, 1);
  const auto three = run_parallel_simulations(study, 3);
  const auto from_study = run_parallel_simulations(study);  // execution.threads
  EXPECT_EQ(from_study.timing().threads.size(), 2u);
  expect_bitwise_equal(one, three, "1 vs 3 threads");
  expect_bitwise_equal(one, from_study, "1 thread vs execution.threads");

  ASSERT_EQ(one.size(), 30u);
  ASSERT_EQ(one.num_samples(), 11u);
  EXPECT_EQ(one.count(TaskStatus::completed), 30u);
  for (std::size_t i = 0; i < one.size(); ++i) {
    // Row i is task id i: its trajectory starts at make_task(study, i)'s initial state.
    const TaskSpec task = make_task(study, i);
    EXPECT_EQ(one.summary(i).task_id, i);
    const auto traj = one.state_trajectory(i);
    for (Eigen::Index c = 0; c < 6; ++c) {
      EXPECT_EQ(traj[static_cast<std::size_t>(c)], task.initial_state[c]) << "task " << i;
    }
  }
  // Sampled parameters reach the simulation: two tasks that differ only in their draws
  // give different metrics.
  EXPECT_NE(one.summary(0).ise, one.summary(1).ise);
}

}  // namespace
}  // namespace simorch
