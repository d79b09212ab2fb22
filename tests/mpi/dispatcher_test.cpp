// The dispatcher over all ranks of the test job (run at 1-4 ranks), with a synthetic task
// whose results are known: every task exactly once, any layout, failures as data, a stop
// on any rank, a failing writer, backpressure and the gathered timing.
#include "simorch/mpi/dispatcher.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <boost/mpi/communicator.hpp>
#include <cstring>
#include <stdexcept>
#include <string>

#include "simorch/error.hpp"
#include "synthetic_task.hpp"

namespace simorch::mpi {
namespace {

using test::MemorySink;
using test::synthetic_summary;

/// Dispatches tasks [0, n), each a synthetic result after spinning `task_us` µs.
DispatchOutcome run_spinning(std::uint64_t n, int task_us, ResultSink* sink,
                             const DispatchOptions& options) {
  return run_dispatch(
      {{0, n}}, sink,
      [task_us](std::uint64_t id, TrajectoryOut out) {
        test::spin_for_us(task_us);
        return synthetic_summary(id, out);
      },
      options);
}

struct Layout {
  int threads;
  std::uint64_t min_chunk;
  std::uint64_t max_chunk;
  std::int64_t samples;
};

class EveryLayout : public testing::TestWithParam<Layout> {};

TEST_P(EveryLayout, writes_every_task_exactly_once_with_its_own_result) {
  const Layout layout = GetParam();
  boost::mpi::communicator world;
  const std::uint64_t n = 1013;  // prime: chunks never divide it evenly
  MemorySink sink(layout.samples);
  DispatchOptions options;
  options.threads = layout.threads;
  options.min_chunk = layout.min_chunk;
  options.max_chunk = layout.max_chunk;
  options.samples_per_task = layout.samples;
  const auto outcome = run_spinning(n, 20, world.rank() == 0 ? &sink : nullptr, options);
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.outcome, RunOutcome::complete);
  EXPECT_EQ(outcome.ranks, world.size());
  EXPECT_EQ(outcome.total_threads, world.size() * layout.threads);
  if (world.rank() != 0) return;

  EXPECT_EQ(outcome.tasks_done, n);
  EXPECT_EQ(sink.duplicates, 0);
  ASSERT_EQ(sink.rows.size(), n);
  std::uint64_t diverged = 0;
  for (std::uint64_t id = 0; id < n; ++id) {
    const auto& row = sink.rows.at(id);
    std::vector<double> states(static_cast<std::size_t>(layout.samples) * 6);
    std::vector<double> controls(static_cast<std::size_t>(layout.samples));
    const auto expected = synthetic_summary(id, {states, controls});
    EXPECT_EQ(row.task_id, id);
    EXPECT_EQ(row.ise, expected.ise);
    EXPECT_EQ(std::memcmp(row.final_state, expected.final_state, sizeof row.final_state), 0);
    EXPECT_EQ(row.status, expected.status);
    EXPECT_GE(row.rank, 0);
    EXPECT_LT(row.rank, world.size());
    EXPECT_GE(row.thread, 0);
    EXPECT_LT(row.thread, layout.threads);
    EXPECT_GT(row.wall_time_s, 0);
    EXPECT_EQ(sink.states_by_id.at(id), states);
    EXPECT_EQ(sink.controls_by_id.at(id), controls);
    if (row.status == TaskStatus::diverged) ++diverged;
  }
  EXPECT_EQ(outcome.by_status[static_cast<std::size_t>(TaskStatus::diverged)], diverged);
  EXPECT_EQ(outcome.by_status[static_cast<std::size_t>(TaskStatus::completed)], n - diverged);
}

INSTANTIATE_TEST_SUITE_P(Dispatcher, EveryLayout,
                         testing::Values(Layout{1, 1, 4096, 0}, Layout{2, 1, 4096, 0},
                                         Layout{1, 1, 1, 0}, Layout{2, 7, 13, 0},
                                         Layout{2, 1, 4096, 5}, Layout{1, 3, 50, 11}));

TEST(Dispatcher, runs_only_the_pending_ranges) {
  boost::mpi::communicator world;
  MemorySink sink;
  DispatchOptions options;
  options.threads = 2;
  const std::vector<TaskRange> pending = {{0, 10}, {20, 25}, {40, 100}};
  const auto outcome =
      run_dispatch(pending, world.rank() == 0 ? &sink : nullptr, synthetic_summary, options);
  EXPECT_EQ(outcome.exit_code, 0);
  if (world.rank() != 0) return;
  EXPECT_EQ(sink.rows.size(), 75u);
  for (const auto& [id, row] : sink.rows) {
    EXPECT_TRUE(id < 10 || (id >= 20 && id < 25) || (id >= 40 && id < 100)) << id;
  }
}

TEST(Dispatcher, nothing_pending_finishes_at_once) {
  boost::mpi::communicator world;
  MemorySink sink;
  const auto outcome = run_dispatch({}, world.rank() == 0 ? &sink : nullptr, synthetic_summary, {});
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.outcome, RunOutcome::complete);
  if (world.rank() == 0) {
    EXPECT_TRUE(sink.rows.empty());
  }
}

TEST(Dispatcher, a_throwing_task_is_recorded_as_error_and_the_batch_goes_on) {
  boost::mpi::communicator world;
  MemorySink sink;
  DispatchOptions options;
  options.threads = 2;
  const auto outcome = run_dispatch(
      {{0, 200}}, world.rank() == 0 ? &sink : nullptr,
      [](std::uint64_t id, TrajectoryOut out) {
        if (id % 7 == 3)
          throw std::runtime_error("controller blew up at task " + std::to_string(id));
        return synthetic_summary(id, out);
      },
      options);
  EXPECT_EQ(outcome.exit_code, 0);
  if (world.rank() != 0) return;
  ASSERT_EQ(sink.rows.size(), 200u);
  for (const auto& [id, row] : sink.rows) {
    if (id % 7 == 3) {
      EXPECT_EQ(row.status, TaskStatus::error);
      EXPECT_EQ(std::string(row.message), "controller blew up at task " + std::to_string(id));
    } else {
      EXPECT_NE(row.status, TaskStatus::error);
    }
  }
  EXPECT_EQ(outcome.by_status[static_cast<std::size_t>(TaskStatus::error)], 29u);
}

TEST(Dispatcher, a_stop_signal_on_the_last_rank_interrupts_every_rank_resumably) {
  boost::mpi::communicator world;
  const int signalling_rank = world.size() - 1;
  const std::uint64_t n = 4000;
  MemorySink sink;
  DispatchOptions options;
  options.threads = 2;
  options.max_chunk = 16;
  std::atomic<bool> has_signalled{false};
  const auto outcome = run_dispatch(
      {{0, n}}, world.rank() == 0 ? &sink : nullptr,
      [&](std::uint64_t id, TrajectoryOut out) {
        // SLURM's pre-timeout SIGUSR1 arriving at one rank while tasks run.
        if (world.rank() == signalling_rank && id >= 40 && !has_signalled.exchange(true)) {
          kill(getpid(), SIGUSR1);
        }
        test::spin_for_us(500);
        return synthetic_summary(id, out);
      },
      options);
  EXPECT_EQ(outcome.exit_code, exit_code::interrupted);
  EXPECT_EQ(outcome.outcome, RunOutcome::interrupted);
  EXPECT_FALSE(outcome.is_abandoned);
  if (world.rank() != 0) return;
  EXPECT_EQ(sink.duplicates, 0);
  EXPECT_GT(sink.rows.size(), 0u);
  EXPECT_LT(sink.rows.size(), n) << "the stop came too late to test anything";
  EXPECT_EQ(outcome.tasks_done, sink.rows.size());
  for (const auto& [id, row] : sink.rows) {
    EXPECT_NE(row.status, TaskStatus::pending);
    EXPECT_EQ(row.ise, synthetic_summary(id, {}).ise);
  }
  EXPECT_EQ(outcome.rank_timing.size(), static_cast<std::size_t>(world.size()));
}

TEST(Dispatcher, a_failing_writer_stops_every_rank_with_exit_code_1) {
  boost::mpi::communicator world;
  MemorySink sink(0, 0, /*fail_on_write=*/2);
  DispatchOptions options;
  options.max_chunk = 8;
  const auto outcome = run_dispatch(
      {{0, 2000}}, world.rank() == 0 ? &sink : nullptr,
      [](std::uint64_t id, TrajectoryOut out) {
        test::spin_for_us(100);
        return synthetic_summary(id, out);
      },
      options);
  EXPECT_EQ(outcome.exit_code, exit_code::runtime_failure);
  EXPECT_EQ(outcome.outcome, RunOutcome::interrupted);
  if (world.rank() == 0) {
    EXPECT_EQ(outcome.error, "disk full (test)");
  }
}

TEST(Dispatcher, a_slow_writer_holds_back_dispatch_but_loses_nothing) {
  boost::mpi::communicator world;
  MemorySink sink(3, /*write_delay_s=*/0.002);
  DispatchOptions options;
  options.samples_per_task = 3;
  options.max_chunk = 20;
  options.max_queued_bytes = 1;  // every queued block closes the gate
  options.checkpoint_interval_s = 0.01;
  const auto outcome =
      run_dispatch({{0, 600}}, world.rank() == 0 ? &sink : nullptr, synthetic_summary, options);
  EXPECT_EQ(outcome.exit_code, 0);
  if (world.rank() != 0) return;
  EXPECT_EQ(sink.rows.size(), 600u);
  EXPECT_EQ(sink.duplicates, 0);
  EXPECT_GT(sink.checkpoints, 0);
}

TEST(Dispatcher, gathers_one_timing_row_per_rank_and_per_thread) {
  boost::mpi::communicator world;
  MemorySink sink;
  DispatchOptions options;
  options.threads = 1 + world.rank() % 2;  // ranks may differ
  const std::uint64_t n = 300;
  const auto outcome = run_spinning(n, 200, world.rank() == 0 ? &sink : nullptr, options);
  ASSERT_EQ(outcome.exit_code, 0);
  if (world.rank() != 0) return;
  ASSERT_EQ(outcome.rank_timing.size(), static_cast<std::size_t>(world.size()));
  std::uint64_t tasks = 0;
  std::size_t threads = 0;
  for (int r = 0; r < world.size(); ++r) {
    const auto& row = outcome.rank_timing[static_cast<std::size_t>(r)];
    EXPECT_EQ(row.rank, r);
    EXPECT_EQ(row.threads, 1 + r % 2);
    EXPECT_FALSE(row.host.empty());
    EXPECT_GT(row.wall_s, 0);
    EXPECT_GE(row.comm_s, 0);
    EXPECT_LE(row.compute_s, row.threads * row.wall_s * 1.05);
    tasks += row.tasks;
    threads += static_cast<std::size_t>(row.threads);
  }
  EXPECT_EQ(tasks, n);
  ASSERT_EQ(outcome.thread_timing.size(), threads);
  std::uint64_t thread_tasks = 0;
  double busy_s = 0;
  for (const auto& t : outcome.thread_timing) {
    thread_tasks += t.tasks;
    busy_s += t.busy_s;
  }
  EXPECT_EQ(thread_tasks, n);
  EXPECT_GT(busy_s, static_cast<double>(n) * 150e-6);  // each task spins 200 µs
}

TEST(Dispatcher, rejects_bad_chunk_options_on_every_rank) {
  boost::mpi::communicator world;
  MemorySink sink;
  DispatchOptions options;
  options.min_chunk = 0;
  EXPECT_THROW(
      run_dispatch({{0, 10}}, world.rank() == 0 ? &sink : nullptr, synthetic_summary, options),
      ConfigError);
  options.min_chunk = 8;
  options.max_chunk = 4;
  EXPECT_THROW(
      run_dispatch({{0, 10}}, world.rank() == 0 ? &sink : nullptr, synthetic_summary, options),
      ConfigError);
  options.min_chunk = 1;
  options.max_chunk = 4096;
  options.threads = 0;
  EXPECT_THROW(
      run_dispatch({{0, 10}}, world.rank() == 0 ? &sink : nullptr, synthetic_summary, options),
      ConfigError);
}

}  // namespace
}  // namespace simorch::mpi
