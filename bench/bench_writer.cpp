// bench_writer: the ingest ceiling of rank 0's writer (bench/README.md, "Writer ingest").
// Synthetic zero-cost tasks go straight into the real BatchWriter (journal + HDF5) in
// blocks of --block results in task-id order, as the dispatcher hands them over: no MPI,
// no pool, so the figure is what the writer (its calling thread and its HDF5 stage)
// alone sustains. write_s ends when the last write() returns; the at most two blocks
// still queued then are written by close() (close_s).
// Prints one line of key=value figures: tasks/s, MB/s (journal + HDF5 bytes / wall),
// bytes per task in the journal (its size before the clean close removes it) and in the
// closed HDF5 file; and the CPU time of the process per task while writing (all its
// threads), which a shared machine disturbs less than the wall clock. The summaries are
// generated before the clock starts (264 bytes per task of memory).
//
//   bench_writer --study examples/quickstart.yaml --tasks 2000000 --output /tmp/w.h5
//
// As a CI smoke test (`bench_writer --benchmark_min_time=…`) it runs a tiny case.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bench_args.hpp"
#include "simorch/io/batch_writer.hpp"
#include "simorch/study/study.hpp"

namespace {

using simorch::TaskSummary;

struct Settings {
  std::string study = SIMORCH_SOURCE_DIR "/examples/quickstart.yaml";
  std::string output = (std::filesystem::temp_directory_path() /
                        ("bench_writer_" + std::to_string(getpid()) + ".h5"))
                           .string();
  std::uint64_t tasks = 2000000;
  std::uint64_t block = 4096;
  double failure_share = 0.001;  // rows with a status message (out_of_bounds)
};

Settings parse(int argc, char** argv) {
  Settings s;
  simorch::bench::for_each_arg(argc, argv, [&](std::string_view arg, const auto& value) {
    if (arg.starts_with("--benchmark_")) {
      s.tasks = 20000;  // Google Benchmark's flags: the bench-smoke ctest entry
    } else if (arg == "--study") {
      s.study = value();
    } else if (arg == "--output") {
      s.output = value();
    } else if (arg == "--tasks") {
      s.tasks = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--block") {
      s.block = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--failures") {
      s.failure_share = std::strtod(value(), nullptr);
    } else if (arg == "--help") {
      std::puts(
          "usage: bench_writer [--study S.yaml] [--output OUT.h5] [--tasks N] [--block B] "
          "[--failures SHARE]");
      std::exit(0);
    } else {
      throw std::invalid_argument("unknown argument " + std::string(arg));
    }
  });
  if (s.block == 0) throw std::invalid_argument("--block must be positive");
  return s;
}

// What a completed (or, every 1/share rows, failed) task reports; values vary per row so
// that HDF5 stores real data.
TaskSummary synthetic(std::uint64_t id, std::uint64_t failure_every) {
  TaskSummary s;
  s.task_id = id;
  const double v = 1e-3 * static_cast<double>(id % 1000);
  s.ise = s.itae = s.control_energy = v;
  s.max_abs_theta1 = s.max_abs_theta2 = s.max_abs_x = s.max_abs_u = v;
  s.settling_time = 1.5;
  for (double& x : s.final_state) x = v;
  s.wall_time_s = 1e-6;
  s.steps = s.integrator_steps = 500;
  s.rank = 1;
  s.thread = 0;
  s.status = simorch::TaskStatus::completed;
  s.success = 1;
  if (failure_every > 0 && id % failure_every == 0) {
    s.status = simorch::TaskStatus::out_of_bounds;
    s.success = 0;
    s.failure_time_s = 0.5;
    std::snprintf(s.message, sizeof s.message, "left the bounds at t = 0.5 s (|theta1| > 1.57)");
  }
  return s;
}

// CPU seconds of the whole process (writer thread and any helper), user + system.
double process_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

std::uint64_t size_or_zero(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  try {
    s = parse(argc, argv);
    // The study's own task count is replaced, so that any study file serves.
    simorch::Study study = simorch::load_study(s.study);
    study.monte_carlo.num_samples = s.tasks;
    if (study.num_tasks() != s.tasks) {
      throw std::invalid_argument("the study's task count does not follow monte_carlo.samples");
    }
    if (study.sim.num_samples() > 0) {
      throw std::invalid_argument("use a study without trajectories (output.save_every 0)");
    }
    const std::uint64_t failure_every =
        s.failure_share > 0 ? static_cast<std::uint64_t>(std::llround(1 / s.failure_share)) : 0;
    // Every summary exists before the clock starts, so the figure is the writer's alone
    // (the writer's HDF5 stage would otherwise overlap the generation).
    std::vector<TaskSummary> summaries(static_cast<std::size_t>(s.tasks));
    for (std::uint64_t id = 0; id < s.tasks; ++id) summaries[id] = synthetic(id, failure_every);

    const auto start = std::chrono::steady_clock::now();
    simorch::BatchWriter writer(s.output, study, simorch::OpenMode::create_overwrite);
    const auto opened = std::chrono::steady_clock::now();
    const double cpu_before_s = process_cpu_s();
    for (std::uint64_t first = 0; first < s.tasks; first += s.block) {
      const std::uint64_t n = std::min(s.block, s.tasks - first);
      writer.write({&summaries[first], static_cast<std::size_t>(n)});
    }
    const std::uint64_t journal_bytes = size_or_zero(s.output + ".journal");
    const auto written = std::chrono::steady_clock::now();
    const double write_cpu_s = process_cpu_s() - cpu_before_s;
    simorch::SegmentTiming timing;
    timing.segment = writer.segment();
    timing.tasks_done = s.tasks;
    writer.close(timing);
    const auto closed = std::chrono::steady_clock::now();
    const std::uint64_t h5_bytes = size_or_zero(s.output);

    const double write_s = std::chrono::duration<double>(written - opened).count();
    const double total_s = std::chrono::duration<double>(closed - start).count();
    const auto n = static_cast<double>(s.tasks);
    std::printf(
        "bench_writer tasks=%llu block=%llu write_s=%.4f tasks_per_s=%.0f "
        "tasks_per_s_with_open_close=%.0f journal_bytes_per_task=%.1f h5_bytes_per_task=%.1f "
        "mb_per_s=%.1f cpu_us_per_task=%.3f open_s=%.4f close_s=%.4f\n",
        static_cast<unsigned long long>(s.tasks), static_cast<unsigned long long>(s.block), write_s,
        n / write_s, n / total_s, static_cast<double>(journal_bytes) / n,
        static_cast<double>(h5_bytes) / n,
        1e-6 * static_cast<double>(journal_bytes + h5_bytes) / write_s, 1e6 * write_cpu_s / n,
        std::chrono::duration<double>(opened - start).count(),
        std::chrono::duration<double>(closed - written).count());
    std::filesystem::remove(s.output);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_writer: %s\n", e.what());
    return 2;
  }
}
