// The last resort of a graceful stop: a task that does not end within
// execution.stop_timeout_s. Rank 0 then gives up on it, keeps what finished and reports
// is_abandoned (simorch run closes the file and aborts the job). One rank only: with more,
// the other ranks would wait for the abort that the CLI, not this test, performs.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "simorch/error.hpp"
#include "simorch/mpi/dispatcher.hpp"
#include "synthetic_task.hpp"

namespace simorch::mpi {
namespace {

TEST(Dispatcher, a_task_that_does_not_end_is_abandoned_after_the_stop_timeout) {
  test::MemorySink sink;
  DispatchOptions options;
  options.threads = 2;
  options.max_chunk = 4;
  options.stop_timeout_s = 0.3;
  std::atomic<bool> has_signalled{false};
  const auto start = std::chrono::steady_clock::now();
  const auto outcome = run_dispatch(
      {{0, 1000}}, &sink,
      [&](std::uint64_t id, TrajectoryOut out) {
        if (id == 20) std::this_thread::sleep_for(std::chrono::seconds(3));  // "hangs"
        if (id == 30 && !has_signalled.exchange(true)) kill(getpid(), SIGTERM);
        test::spin_for_us(200);
        return test::synthetic_summary(id, out);
      },
      options);
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(outcome.is_abandoned);
  EXPECT_EQ(outcome.exit_code, exit_code::interrupted);
  EXPECT_EQ(outcome.outcome, RunOutcome::interrupted);
  EXPECT_LT(elapsed_s, 2.5) << "rank 0 waited for the hanging task";
  EXPECT_EQ(sink.rows.count(20), 0u);
  EXPECT_GT(sink.rows.size(), 0u);
  EXPECT_EQ(sink.duplicates, 0);
  EXPECT_EQ(outcome.tasks_done, sink.rows.size());
  // The abandoned pool thread finishes its task and returns into leaked memory; give it
  // time so the process does not exit under it.
  std::this_thread::sleep_for(std::chrono::seconds(3));
}

}  // namespace
}  // namespace simorch::mpi
