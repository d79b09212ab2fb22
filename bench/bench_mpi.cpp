// bench_mpi: the distributed dispatcher with a synthetic task, for the figures in
// bench/README.md ("Distributed runner"). Run under mpirun; rank 0 prints one line of
// key=value figures. The task burns a calibrated amount of CPU (a dependent floating-point
// chain, so threads sharing a core really slow down), without physics or HDF5, so the
// numbers are the dispatcher's own: efficiency, dispatch rate, rank 0's memory.
//
//   mpirun -np 2 bench_mpi --tasks 40000 --task-us 100 --threads 1
//   mpirun -np 3 --oversubscribe bench_mpi --tasks 2000000 --task-us 0
//
// As a CI smoke test (`bench_mpi --benchmark_min_time=…`, no mpirun) it runs a tiny case.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bench_args.hpp"
#include "simorch/io/batch_writer.hpp"
#include "simorch/mpi/dispatcher.hpp"
#include "simorch/mpi/mpi_session.hpp"
#include "simorch/study/study.hpp"

namespace {

using simorch::TaskSummary;
using simorch::TrajectoryOut;

struct Settings {
  std::uint64_t tasks = 100000;
  double task_us = 0;
  int threads = 1;
  std::int64_t samples = 0;
  std::uint64_t min_chunk = 1;
  std::uint64_t max_chunk = 4096;
  double write_us_per_task = 0;  // a slower sink, to see backpressure
  std::size_t queue_kb = 0;      // rank 0's writer queue bound; 0: the default
  std::string study;             // with --output: write into a real batch file (BatchWriter)
  std::string output;
  std::uint64_t iterations = 0;  // work per task; 0: calibrate to task_us on rank 0
  bool is_calibrate_only = false;
};

// A chain of dependent multiply-adds: ~4 cycles each, not vectorisable, not removable.
double burn(std::uint64_t iterations, double x) {
  for (std::uint64_t i = 0; i < iterations; ++i) x = x * 0.9999999 + 1e-7;
  return x;
}

double iterations_per_us() {
  constexpr std::uint64_t n = 50'000'000;
  volatile double seed = 1.0;  // opaque: the compiler must not fold the chain at build time
  const auto start = std::chrono::steady_clock::now();
  volatile double sink = burn(n, seed);
  (void)sink;
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(n) / us;
}

// CPU time of the calling thread [s], to the nanosecond (RUSAGE_THREAD's split into user
// and system time is tick-sampled; this sum is not).
double thread_cpu_exact_s() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

class CountingSink : public simorch::mpi::ResultSink {
 public:
  explicit CountingSink(double write_us_per_task, simorch::BatchWriter* writer = nullptr)
      : write_us_per_task_(write_us_per_task), writer_(writer) {}
  void write(std::span<const TaskSummary> summaries, std::span<const double> states,
             std::span<const double> controls) override {
    rows += summaries.size();
    if (writer_ != nullptr) writer_->write(summaries, states, controls);
    if (write_us_per_task_ > 0) {
      const auto end = std::chrono::steady_clock::now() +
                       std::chrono::duration<double, std::micro>(
                           write_us_per_task_ * static_cast<double>(summaries.size()));
      while (std::chrono::steady_clock::now() < end) {
      }
    }
    writer_cpu_s = thread_cpu_exact_s();
  }
  void checkpoint() override {
    if (writer_ != nullptr) writer_->checkpoint();
    writer_cpu_s = thread_cpu_exact_s();
  }
  std::uint64_t rows = 0;
  /// CPU time of rank 0's writer thread from its start to the end of its last write or
  /// checkpoint: what the sink (with a study: journal + HDF5) cost that thread, however
  /// busy the other cores were. Read after run_dispatch, which joins the thread.
  double writer_cpu_s = 0;

 private:
  double write_us_per_task_;
  simorch::BatchWriter* writer_;
};

double thread_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

Settings parse(int argc, char** argv, bool& is_smoke) {
  Settings s;
  simorch::bench::for_each_arg(argc, argv, [&](std::string_view arg, const auto& value) {
    if (arg.starts_with("--benchmark_")) {
      is_smoke = true;  // Google Benchmark's flags: the bench-smoke ctest entry
    } else if (arg == "--tasks") {
      s.tasks = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--task-us") {
      s.task_us = std::strtod(value(), nullptr);
    } else if (arg == "--threads") {
      s.threads = std::atoi(value());
    } else if (arg == "--samples") {
      s.samples = std::atoll(value());
    } else if (arg == "--min-chunk") {
      s.min_chunk = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--max-chunk") {
      s.max_chunk = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--iterations") {
      s.iterations = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--queue-kb") {
      s.queue_kb = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--study") {
      s.study = value();
    } else if (arg == "--output") {
      s.output = value();
    } else if (arg == "--calibrate") {
      s.is_calibrate_only = true;
    } else if (arg == "--write-us") {
      s.write_us_per_task = std::strtod(value(), nullptr);
    } else if (arg == "--help") {
      std::puts(
          "usage: mpirun -np R bench_mpi [--tasks N] [--task-us US] [--threads T] "
          "[--samples S] [--min-chunk A] [--max-chunk B] [--write-us US] [--iterations K] "
          "[--queue-kb KB]\n"
          "       [--study S.yaml --output OUT.h5]   (rank 0 writes with BatchWriter)\n"
          "       bench_mpi --calibrate   (prints the iterations of a 1 us task)");
      std::exit(0);
    } else {
      throw std::invalid_argument("unknown argument " + std::string(arg));
    }
  });
  if (is_smoke) {
    s.tasks = 2000;
    s.task_us = 5;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  simorch::mpi::MpiSession session;
  bool is_smoke = false;
  Settings s;
  try {
    s = parse(argc, argv, is_smoke);
  } catch (const std::exception& e) {
    if (session.rank() == 0) std::fprintf(stderr, "bench_mpi: %s\n", e.what());
    return 2;
  }
  // One calibration for all ranks, so every rank's task is the same amount of work.
  // A benchmark series passes --iterations so that every run does the same work.
  double per_us = 0;
  if (session.rank() == 0 && (s.is_calibrate_only || (s.task_us > 0 && s.iterations == 0))) {
    per_us = iterations_per_us();
  }
  per_us = session.broadcast_from_root(per_us);
  if (s.is_calibrate_only) {
    if (session.rank() == 0) std::printf("%.1f\n", per_us);
    return 0;
  }
  const auto iterations =
      s.iterations > 0 ? s.iterations : static_cast<std::uint64_t>(per_us * s.task_us);

  simorch::mpi::DispatchOptions options;
  options.threads = s.threads;
  options.min_chunk = s.min_chunk;
  options.max_chunk = s.max_chunk;
  if (s.queue_kb > 0) options.max_queued_bytes = s.queue_kb << 10;
  // With a study, rank 0 writes a real batch file: the dispatcher plus the HDF5 writer.
  std::unique_ptr<simorch::BatchWriter> writer;
  if (!s.study.empty() && session.rank() == 0) {
    try {
      const simorch::Study study = simorch::load_study(s.study);
      s.tasks = study.num_tasks();
      s.samples = study.sim.num_samples();
      writer = std::make_unique<simorch::BatchWriter>(s.output, study,
                                                      simorch::OpenMode::create_overwrite);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bench_mpi: %s\n", e.what());
      simorch::mpi::abort_all_ranks(2);
    }
  }
  s.samples =
      static_cast<std::int64_t>(session.broadcast_from_root(static_cast<double>(s.samples)));
  options.samples_per_task = s.samples;
  CountingSink sink(s.write_us_per_task, writer.get());
  const auto task = [iterations](std::uint64_t id, TrajectoryOut out) {
    TaskSummary summary;
    summary.task_id = id;
    summary.ise = burn(iterations, static_cast<double>(id));
    summary.status = simorch::TaskStatus::completed;
    for (double& v : out.state) v = summary.ise;
    for (double& v : out.control) v = summary.ise;
    return summary;
  };
  // CPU time of this (the communication) thread: it must sleep, not spin, while the pool works.
  const double main_cpu_before_s = thread_cpu_s();
  const auto outcome = simorch::mpi::run_dispatch(
      {{0, s.tasks}}, session.rank() == 0 ? &sink : nullptr, task, options);
  const double main_cpu_s = thread_cpu_s() - main_cpu_before_s;
  if (session.rank() != 0) return outcome.exit_code;
  if (writer) {
    simorch::SegmentTiming timing;
    timing.segment = writer->segment();
    timing.wall_s = outcome.wall_s;
    timing.ranks = outcome.ranks;
    timing.threads_per_rank = s.threads;
    timing.tasks_done = outcome.tasks_done;
    timing.rank_timing = outcome.rank_timing;
    timing.thread_timing = outcome.thread_timing;
    writer->close(timing);
  }

  double busy_s = 0;
  for (const auto& r : outcome.rank_timing) busy_s += r.compute_s;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double wall_s = outcome.wall_s;
  std::printf(
      "bench_mpi ranks=%d threads=%d tasks=%llu task_us=%g iterations=%llu samples=%lld "
      "wall_s=%.4f "
      "tasks_per_s=%.0f utilisation=%.4f busy_per_task_us=%.2f rank0_comm_s=%.4f "
      "rank0_main_cpu_s=%.4f rank0_writer_cpu_s=%.4f "
      "rank0_maxrss_kb=%ld rows=%llu\n",
      outcome.ranks, s.threads, static_cast<unsigned long long>(s.tasks), s.task_us,
      static_cast<unsigned long long>(iterations), static_cast<long long>(s.samples), wall_s,
      static_cast<double>(s.tasks) / wall_s, busy_s / (outcome.total_threads * wall_s),
      1e6 * busy_s / static_cast<double>(s.tasks),
      outcome.rank_timing.empty() ? 0.0 : outcome.rank_timing[0].comm_s, main_cpu_s,
      sink.writer_cpu_s, usage.ru_maxrss, static_cast<unsigned long long>(sink.rows));
  if (sink.rows != s.tasks || outcome.exit_code != 0) {
    std::fprintf(stderr, "bench_mpi: %llu of %llu rows arrived, exit code %d\n",
                 static_cast<unsigned long long>(sink.rows),
                 static_cast<unsigned long long>(s.tasks), outcome.exit_code);
    return 1;
  }
  return 0;
}
