#include "simorch/parallel/worker_pool.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "simorch/error.hpp"

namespace simorch {
namespace {

using namespace std::chrono_literals;

double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double wall_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// CPU-bound work the optimiser cannot remove, for about `seconds` of one core.
double spin_for(double seconds) {
  const double end = wall_s() + seconds;
  volatile double sink = 0;
  while (wall_s() < end) {
    for (int i = 0; i < 100; ++i) sink = sink + 1e-9;
  }
  return sink;
}

TEST(WorkerPool, submit_carries_result_or_exception_per_task) {
  WorkerPool pool(2);
  std::vector<std::future<int>> futures;
  for (int i = 0; i < 20; ++i) {
    futures.push_back(pool.submit([i]() -> int {
      if (i % 3 == 0) throw std::runtime_error("task " + std::to_string(i));
      return 10 * i;
    }));
  }
  for (int i = 0; i < 20; ++i) {
    if (i % 3 == 0) {
      try {
        futures[static_cast<std::size_t>(i)].get();
        FAIL() << "task " << i << " should have thrown";
      } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "task " + std::to_string(i));
      }
    } else {
      EXPECT_EQ(futures[static_cast<std::size_t>(i)].get(), 10 * i);
    }
  }
}

TEST(WorkerPool, submit_passes_thread_index_when_the_callable_takes_one) {
  WorkerPool pool(3);
  auto future = pool.submit([](int thread) {
    return std::pair{thread, WorkerPool::this_thread_index()};
  });
  const auto [given, seen] = future.get();
  EXPECT_GE(given, 0);
  EXPECT_LT(given, 3);
  EXPECT_EQ(given, seen);
}

TEST(WorkerPool, map_ordered_returns_results_in_index_order) {
  WorkerPool pool(2);
  // Early indices take longest, so completion order is roughly the reverse of index order.
  const auto results = pool.map_ordered(40, [](std::size_t i) {
    std::this_thread::sleep_for(std::chrono::microseconds(50 * (40 - i)));
    return static_cast<long>(i * i);
  });
  ASSERT_EQ(results.size(), 40u);
  for (std::size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i], static_cast<long>(i * i));
}

TEST(WorkerPool, map_ordered_rethrows_the_lowest_failing_index_after_all_ran) {
  WorkerPool pool(2);
  std::atomic<int> calls{0};
  try {
    pool.map_ordered(100, [&](std::size_t i) -> int {
      ++calls;
      if (i == 77 || i == 13 || i == 95) throw std::out_of_range(std::to_string(i));
      return 0;
    });
    FAIL() << "map_ordered should have thrown";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "13");
  }
  EXPECT_EQ(calls.load(), 100);
}

TEST(WorkerPool, map_ordered_from_a_pool_thread_throws_instead_of_deadlocking) {
  WorkerPool pool(1);
  auto nested =
      pool.submit([&pool] { return pool.map_ordered(3, [](std::size_t i) { return i; }); });
  EXPECT_THROW(nested.get(), Error);
}

TEST(WorkerPool, thread_index_is_in_range_and_minus_one_outside) {
  constexpr int threads = 3;
  WorkerPool pool(threads);
  EXPECT_EQ(WorkerPool::this_thread_index(), -1);
  const auto seen = pool.map_ordered(2000, [](std::size_t, int thread) {
    return std::pair{thread, WorkerPool::this_thread_index()};
  });
  for (const auto& [given, accessor] : seen) {
    EXPECT_GE(given, 0);
    EXPECT_LT(given, threads);
    EXPECT_EQ(given, accessor);
  }
}

TEST(WorkerPool, destructor_finishes_queued_work) {
  std::atomic<int> done{0};
  std::vector<std::future<void>> futures;
  {
    WorkerPool pool(1);
    for (int i = 0; i < 20; ++i) {
      futures.push_back(pool.submit([&done] {
        std::this_thread::sleep_for(1ms);
        ++done;
      }));
    }
  }  // most of the 20 are still queued here
  EXPECT_EQ(done.load(), 20);
  for (auto& f : futures) EXPECT_NO_THROW(f.get());
}

TEST(WorkerPool, cancel_pending_skips_unstarted_work_and_breaks_their_promises) {
  WorkerPool pool(1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  auto blocker = pool.submit([&] {
    started.set_value();
    released.wait();
    return 1;
  });
  started.get_future().wait();  // the only thread is now inside the blocker

  std::atomic<int> ran{0};
  const ChunkHandle chunk = pool.run_chunk({0, 100}, [&](std::uint64_t, int) { ++ran; });
  auto queued = pool.submit([] { return 2; });
  EXPECT_EQ(pool.num_unstarted_items(), 101u);

  pool.cancel_pending();
  release.set_value();

  EXPECT_EQ(blocker.get(), 1);  // work already running finishes
  chunk.wait();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(chunk.num_skipped(), 100u);
  EXPECT_EQ(chunk.num_finished(), 0u);
  try {
    queued.get();
    FAIL() << "a cancelled task must not produce a value";
  } catch (const std::future_error& e) {
    EXPECT_EQ(e.code(), std::future_errc::broken_promise);
  }
}

TEST(WorkerPool, idle_threads_use_no_cpu) {
  WorkerPool pool(2);
  pool.map_ordered(100, [](std::size_t i) { return i; });  // threads have run and gone idle
  const double cpu0 = process_cpu_s();
  std::this_thread::sleep_for(200ms);
  const double idle_cpu_s = process_cpu_s() - cpu0;
  // A spinning thread would burn ~0.2 s per thread here; sleeping ones use microseconds.
  EXPECT_LT(idle_cpu_s, 0.005) << "idle pool used " << idle_cpu_s << " s of CPU in 0.2 s";
  for (const auto& s : pool.stats()) EXPECT_GE(s.idle_s, 0.19);
}

TEST(WorkerPool, stats_add_up) {
  constexpr int threads = 2;
  WorkerPool pool(threads);
  const double t0 = wall_s();
  const ChunkHandle chunk = pool.run_chunk({0, 200}, [](std::uint64_t, int) { spin_for(0.0005); });
  chunk.wait();
  const double elapsed_s = wall_s() - t0;
  const auto stats = pool.stats();
  ASSERT_EQ(stats.size(), static_cast<std::size_t>(threads));

  std::uint64_t tasks = 0;
  double busy_s = 0;
  for (const auto& s : stats) {
    tasks += s.tasks;
    busy_s += s.busy_s;
    EXPECT_GE(s.busy_s, 0.0005 * static_cast<double>(s.tasks));
    EXPECT_GE(s.idle_s, 0.0);
    // busy + idle is bounded by the pool's lifetime, which started a little before t0.
    EXPECT_LE(s.busy_s + s.idle_s, elapsed_s + 0.05);
  }
  EXPECT_EQ(tasks, 200u);
  EXPECT_GE(busy_s, 200 * 0.0005);
  EXPECT_LE(busy_s, threads * elapsed_s);

  pool.reset_stats();
  for (const auto& s : pool.stats()) {
    EXPECT_EQ(s.tasks, 0u);
    EXPECT_NEAR(s.busy_s, 0.0, 1e-12);
    EXPECT_LT(s.idle_s, 0.05);
  }
}

TEST(WorkerPool, run_chunk_runs_every_index_once_and_calls_back_before_done) {
  WorkerPool pool(2);
  std::vector<std::atomic<int>> hits(1000);
  std::atomic<int> callbacks{0};
  std::atomic<int> finished_at_callback{-1};
  const ChunkHandle chunk = pool.run_chunk(
      {500, 1500}, [&](std::uint64_t id, int) { ++hits[id - 500]; },
      [&] {
        ++callbacks;
        int total = 0;
        for (const auto& h : hits) total += h.load();
        finished_at_callback = total;
      });
  chunk.wait();
  // wait() returning means the callback has already returned, after every index ran.
  EXPECT_EQ(callbacks.load(), 1);
  EXPECT_EQ(finished_at_callback.load(), 1000);
  EXPECT_EQ(chunk.num_finished(), 1000u);
  EXPECT_EQ(chunk.range().begin, 500u);
  for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(WorkerPool, next_chunk_starts_while_previous_chunk_still_runs) {
  WorkerPool pool(2);
  std::promise<void> second_ran;
  std::shared_future<void> second = second_ran.get_future().share();
  std::atomic<bool> first_saw_second{false};
  // Index 0 of the first chunk can only finish early if the second chunk starts meanwhile.
  const ChunkHandle first = pool.run_chunk({0, 2}, [&](std::uint64_t id, int) {
    if (id == 0) first_saw_second = second.wait_for(5s) == std::future_status::ready;
  });
  const ChunkHandle next =
      pool.run_chunk({10, 11}, [&](std::uint64_t, int) { second_ran.set_value(); });
  next.wait();
  first.wait();
  EXPECT_TRUE(first_saw_second.load());
}

TEST(WorkerPool, feeding_loop_of_the_header_example_runs_every_index_once) {
  WorkerPool pool(2);
  constexpr std::uint64_t total = 5000;
  constexpr std::uint64_t chunk_size = 37;
  std::vector<std::atomic<int>> hits(total);
  auto fn = [&](std::uint64_t id, int) { ++hits[id]; };
  std::uint64_t next = 0;
  auto has_more_work = [&] { return next < total; };
  auto next_range = [&] {
    const TaskRange r{next, std::min(total, next + chunk_size)};
    next = r.end;
    return r;
  };

  std::vector<ChunkHandle> running;
  std::uint64_t finished = 0;
  std::uint64_t seen = pool.num_completed_chunks();
  while (has_more_work() || !running.empty()) {
    const auto threads = static_cast<std::uint64_t>(pool.num_threads());
    if (has_more_work() && pool.num_unstarted_items() < threads) {
      running.push_back(pool.run_chunk(next_range(), fn));
    }
    seen = pool.wait_for_completion(seen, 0.001);
    std::erase_if(running, [&](const ChunkHandle& c) {
      const bool is_done = c.is_done();
      if (is_done) finished += c.num_finished();
      return is_done;
    });
  }
  EXPECT_EQ(finished, total);
  for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(WorkerPool, wait_for_completion_wakes_when_a_chunk_finishes) {
  WorkerPool pool(1);
  const std::uint64_t seen = pool.num_completed_chunks();
  const double t0 = wall_s();
  pool.run_chunk({0, 1}, [](std::uint64_t, int) { std::this_thread::sleep_for(20ms); });
  const std::uint64_t now_seen = pool.wait_for_completion(seen, 10.0);
  const double waited_s = wall_s() - t0;
  EXPECT_EQ(now_seen, seen + 1);
  EXPECT_GE(waited_s, 0.015);
  EXPECT_LT(waited_s, 5.0);  // woken by the completion, not by the 10 s timeout

  // Nothing running: returns after the timeout with the count unchanged.
  EXPECT_EQ(pool.wait_for_completion(now_seen, 0.01), now_seen);
}

TEST(WorkerPool, chunk_keeps_item_exceptions_and_runs_the_other_items) {
  WorkerPool pool(2);
  std::atomic<int> ran{0};
  const ChunkHandle chunk = pool.run_chunk({0, 50}, [&](std::uint64_t id, int) {
    ++ran;
    if (id % 10 == 0) throw std::runtime_error("bad index");
  });
  EXPECT_THROW(chunk.get(), std::runtime_error);
  EXPECT_EQ(ran.load(), 50);
  EXPECT_EQ(chunk.num_failed(), 5u);
  EXPECT_EQ(chunk.num_finished(), 50u);
  EXPECT_TRUE(chunk.error() != nullptr);
}

TEST(WorkerPool, empty_chunk_completes_at_once) {
  WorkerPool pool(1);
  int callbacks = 0;
  const ChunkHandle chunk = pool.run_chunk(
      {7, 7}, [](std::uint64_t, int) { FAIL(); }, [&] { ++callbacks; });
  EXPECT_TRUE(chunk.is_done());
  EXPECT_EQ(callbacks, 1);
  EXPECT_NO_THROW(chunk.get());
}

TEST(WorkerPool, rejects_a_negative_thread_count_and_defaults_zero_to_the_cores) {
  EXPECT_THROW(WorkerPool(-1), ConfigError);
  WorkerPool pool(0);
  EXPECT_GE(pool.num_threads(), 1);
}

}  // namespace
}  // namespace simorch
