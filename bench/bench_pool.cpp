// WorkerPool overhead and two-thread efficiency (bench/README.md, "Local parallel").
//
//   bench_pool --benchmark_filter=Empty      per-task overhead of submit() and of run_chunk()
//   bench_pool --benchmark_filter=Efficiency 2 threads vs 1 on 10 ms CPU-bound tasks

#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <future>
#include <thread>
#include <vector>

#include "simorch/parallel/worker_pool.hpp"

namespace {

using Clock = std::chrono::steady_clock;

/// CPU time of every thread of the process: what the pool's overhead costs, whether or not
/// the machine is shared (wall time per task grows with the load, this does not).
double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Fixed CPU work: a dependent chain of multiply-adds that neither vectorises nor sleeps, so
/// two threads can only finish it faster by really running on two cores.
double burn(std::uint64_t iterations) {
  double x = 0.5;
  for (std::uint64_t i = 0; i < iterations; ++i) x = x * 0.9999999 + 1e-7;
  return x;
}

/// Iterations of burn() that take about `seconds` on one core (best of a few tries, so a
/// busy neighbour during calibration does not inflate the task).
std::uint64_t calibrate(double seconds) {
  constexpr std::uint64_t probe = 2'000'000;
  double best_s = 1e9;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto start = Clock::now();
    benchmark::DoNotOptimize(burn(probe));
    best_s = std::min(best_s, seconds_since(start));
  }
  return static_cast<std::uint64_t>(static_cast<double>(probe) * seconds / best_s);
}

/// The wall time per task (Google Benchmark inverts the rate) and the process CPU time per
/// task since `cpu0_s`, for a loop that ran `tasks` tasks per iteration.
void set_per_task_counters(benchmark::State& state, std::uint64_t tasks, double cpu0_s) {
  state.counters["per_task"] =
      benchmark::Counter(static_cast<double>(tasks), benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
  state.counters["cpu_per_task"] =
      (process_cpu_s() - cpu0_s) /
      (static_cast<double>(state.iterations()) * static_cast<double>(tasks));
}

/// Per-task time of submit() + future.get() for empty tasks (the counter "per_task" is in
/// seconds; Google Benchmark prints it with a unit).
void BM_SubmitEmpty(benchmark::State& state) {
  const auto threads = static_cast<int>(state.range(0));
  constexpr std::size_t batch = 10'000;
  simorch::WorkerPool pool(threads);
  std::vector<std::future<void>> futures;
  futures.reserve(batch);
  const double cpu0 = process_cpu_s();
  for (auto _ : state) {
    futures.clear();
    for (std::size_t i = 0; i < batch; ++i) futures.push_back(pool.submit([] {}));
    for (auto& f : futures) f.get();
  }
  set_per_task_counters(state, batch, cpu0);
}
BENCHMARK(BM_SubmitEmpty)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

/// Per-item time of one run_chunk() of empty items: the dynamic self-scheduling cost.
void BM_ChunkEmpty(benchmark::State& state) {
  const auto threads = static_cast<int>(state.range(0));
  constexpr std::uint64_t items = 100'000;
  simorch::WorkerPool pool(threads);
  const double cpu0 = process_cpu_s();
  for (auto _ : state) {
    pool.run_chunk({0, items}, [](std::uint64_t, int) {}).wait();
  }
  set_per_task_counters(state, items, cpu0);
}
BENCHMARK(BM_ChunkEmpty)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

/// Parallel efficiency of 2 threads over 1: the same 20 tasks of ~10 ms CPU work on a
/// 1-thread and a 2-thread pool, back to back in each iteration.
///   efficiency       T1 / (2·T2) from the sums over iterations
///   efficiency_best  min T1 / (2·min T2): the least disturbed runs on a shared machine
///   utilisation      Σ busy_s / (2·T2) of the 2-thread pool (its own stats()): the share
///                    of the two threads' wall time spent inside tasks, i.e. what the pool
///                    itself loses to scheduling, waking and completion signalling
///   efficiency_raw   the same ratio for two bare std::threads that split the 20 tasks
///                    10/10, run in the same rounds: what the machine allows right now, the
///                    control against which the pool's figure is read on a shared machine
void BM_TwoThreadEfficiency(benchmark::State& state) {
  constexpr std::uint64_t tasks = 20;
  const std::uint64_t work = calibrate(0.010);
  simorch::WorkerPool one(1);
  simorch::WorkerPool two(2);
  std::vector<double> sink(tasks);
  auto run = [&](simorch::WorkerPool& pool) {
    pool.reset_stats();
    const auto start = Clock::now();
    pool.run_chunk({0, tasks}, [&](std::uint64_t i, int) { sink[i] = burn(work); }).wait();
    return seconds_since(start);
  };
  double t1_s = 0;
  double t2_s = 0;
  double best_t1_s = 1e9;
  double best_t2_s = 1e9;
  double busy2_s = 0;
  double raw_s = 0;
  auto run_raw = [&] {
    const auto start = Clock::now();
    std::thread other([&] {
      for (std::uint64_t i = tasks / 2; i < tasks; ++i) sink[i] = burn(work);
    });
    for (std::uint64_t i = 0; i < tasks / 2; ++i) sink[i] = burn(work);
    other.join();
    return seconds_since(start);
  };
  for (auto _ : state) {
    const double one_s = run(one);
    const double two_s = run(two);
    raw_s += run_raw();
    for (const auto& thread : two.stats()) busy2_s += thread.busy_s;
    t1_s += one_s;
    t2_s += two_s;
    best_t1_s = std::min(best_t1_s, one_s);
    best_t2_s = std::min(best_t2_s, two_s);
    benchmark::DoNotOptimize(sink.data());
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["task_ms"] = 1e3 * t1_s / (n * static_cast<double>(tasks));
  state.counters["t1_s"] = t1_s / n;
  state.counters["t2_s"] = t2_s / n;
  state.counters["efficiency"] = t1_s / (2.0 * t2_s);
  state.counters["efficiency_best"] = best_t1_s / (2.0 * best_t2_s);
  state.counters["utilisation"] = busy2_s / (2.0 * t2_s);
  state.counters["efficiency_raw"] = t1_s / (2.0 * raw_s);
}
BENCHMARK(BM_TwoThreadEfficiency)->Iterations(5)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
