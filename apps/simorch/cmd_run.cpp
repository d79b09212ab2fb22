// `mpirun -np N simorch run STUDY.yaml`: runs every task of a study over all ranks into one
// HDF5 batch file; without a launcher, in this process without MPI. Rank 0 prints (progress,
// warnings, the summary, any error); the other ranks stay silent. Every rank exits with the same
// code: 0 done, 2 bad input, 1 runtime failure, 75 interrupted by a signal but resumable with
// --resume.
#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "mpi_command.hpp"
#include "simorch/error.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/mpi/collective_failure.hpp"
#include "simorch/mpi/mpi_session.hpp"
#include "simorch/mpi/progress.hpp"
#include "simorch/mpi/study_broadcast.hpp"
#include "simorch/mpi/study_runner.hpp"
#include "simorch/run/in_process.hpp"
#include "simorch/run/stop_signal.hpp"

namespace simorch::cli {
namespace {

struct RunArguments {
  std::string study;
  std::string output;
  int threads = 0;
  bool is_force = false;
  bool is_resume = false;
  std::uint64_t chunk_min = 0;
  std::uint64_t chunk_max = 0;
  bool is_quiet = false;
  bool is_skipping_space_check = false;
};

// Rank in the job as the launcher announces it, before MPI is initialised (-1: unknown).
int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return -1;
}

// Usage errors are found by CLI11 before MPI starts, identically on every rank, and
// main() prints them. So that a mistyped option gives one message, not one per rank, the
// other ranks' stderr points to /dev/null while `run`'s arguments are parsed.
class QuietParse {
 public:
  void begin() {
    if (launcher_rank() <= 0 || saved_fd_ >= 0) return;
    std::fflush(stderr);
    saved_fd_ = dup(STDERR_FILENO);
    const int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) {
      dup2(null_fd, STDERR_FILENO);
      close(null_fd);
    }
  }
  void end() {
    if (saved_fd_ < 0) return;
    std::fflush(stderr);
    dup2(saved_fd_, STDERR_FILENO);
    close(saved_fd_);
    saved_fd_ = -1;
  }

 private:
  int saved_fd_ = -1;
};

void print_warning(const std::string& warning) {
  fmt::print(stderr, "simorch: warning: {}\n", warning);
}

// The options of `args` for rank 0 (progress and warnings print to stderr) or another
// rank (silent). The printer learns how many tasks were done before once the file is
// open; until then (setup) nothing is printed.
RunOptions make_options(const RunArguments& args, const StudyPlan& plan, double start_unix_s,
                        bool is_root, std::optional<mpi::ProgressPrinter>& printer) {
  RunOptions options;
  options.output = args.output;
  options.mode = args.is_resume  ? OpenMode::resume
                 : args.is_force ? OpenMode::create_overwrite
                                 : OpenMode::create;
  options.threads = args.threads;
  options.min_chunk = args.chunk_min;
  options.max_chunk = args.chunk_max;
  options.command_start_unix_s = start_unix_s;
  options.is_checking_space = !args.is_skipping_space_check;
  if (is_root && !args.is_quiet) {
    options.on_progress = [&printer, num_tasks = plan.num_tasks()](const DispatchProgress& p) {
      if (!printer) {
        const std::uint64_t before = num_tasks - p.total;
        printer.emplace(stderr, isatty(fileno(stderr)) != 0, num_tasks, before);
      }
      printer->update(p);
    };
  }
  if (is_root) options.on_warning = print_warning;
  return options;
}

void print_summary(const RunArguments& args, const RunReport& report) {
  if (!args.is_quiet || report.exit_code != 0) {
    std::fputs(format_summary(report).c_str(), report.exit_code == 0 ? stdout : stderr);
  }
}

// No MPI launcher started this process: the study runs here without MPI_Init, whose
// singleton start (a forked runtime daemon) would cost most of a small study's time.
int run_in_process(const RunArguments& args, double start_unix_s) {
  const StudyPlan plan = StudyPlan::load(args.study);
  for (const auto& warning : plan.base().warnings) print_warning(warning);
  std::optional<mpi::ProgressPrinter> printer;
  const RunReport report =
      run_study_in_process(plan, make_options(args, plan, start_unix_s, true, printer));
  print_summary(args, report);
  if (report.dispatch.is_abandoned) {
    fmt::print(stderr,
               "simorch: error: a task did not finish within execution.stop_timeout_s; "
               "ending the process (the file is resumable)\n");
    std::fflush(nullptr);
    std::_Exit(report.exit_code);  // its thread still runs: no static destructors under it
  }
  return report.exit_code;
}

// Everything that needs MPI; returns the exit code agreed by all ranks.
int run_on_all_ranks(const RunArguments& args, double start_unix_s) {
  mpi::MpiSession session;
  const bool is_root = session.rank() == 0;
  StopSignalScope signals;  // from the start: a signal during setup stops in order
  try {
    const StudyPlan plan = mpi::broadcast_plan(args.study);
    if (is_root) {
      for (const auto& warning : plan.base().warnings) print_warning(warning);
    }
    std::optional<mpi::ProgressPrinter> printer;
    const RunReport report =
        mpi::run_study(plan, make_options(args, plan, start_unix_s, is_root, printer));
    if (is_root) print_summary(args, report);
    if (report.dispatch.is_abandoned) {
      if (is_root) {
        fmt::print(stderr,
                   "simorch: error: ranks did not finish within execution.stop_timeout_s; "
                   "aborting the job (the file is resumable)\n");
      }
      mpi::abort_all_ranks(report.exit_code);
    }
    return report.exit_code;
  } catch (const mpi::CollectiveFailure& failure) {
    if (is_root) fmt::print(stderr, "simorch: error: {}\n", failure.what());
    return failure.exit_code();
  } catch (const std::exception& e) {
    // Thrown on this rank only: the others wait for it in a collective step, so the only
    // way not to hang is to end the job.
    fmt::print(stderr, "simorch: rank {}: error: {}\n", session.rank(), e.what());
    mpi::abort_all_ranks(exit_code::runtime_failure);
  }
}

// "got 'x', allowed: …" like every other simorch error (CLI11's own says "not in range
// 0 to 1.8e308").
CLI::Validator at_least(long long minimum) {
  return CLI::Validator(
      [minimum](std::string& text) -> std::string {
        std::size_t used = 0;
        try {
          if (std::stoll(text, &used) >= minimum && used == text.size()) return {};
        } catch (const std::exception&) {
        }
        return "got '" + text + "', allowed: an integer >= " + std::to_string(minimum);
      },
      "INT>=" + std::to_string(minimum));
}

const CommandRegistration run_command(10, [](CLI::App& app) {
  auto args = std::make_shared<RunArguments>();
  auto* command = app.add_subcommand(
      "run",
      "Run every task of a study into one HDF5 batch file, on every rank of the MPI job\n"
      "(mpirun -np N simorch run study.yaml). Exit 0 done, 2 bad input, 1 failure,\n"
      "75 interrupted by SIGTERM/SIGINT/SIGUSR1 (finish later with --resume).");
  command->add_option("study", args->study, "Study file (YAML)")->required();
  command->add_option("-o,--output", args->output, "Batch file to write (default: output.path)");
  command
      ->add_option("--threads", args->threads,
                   "Pool threads per rank (default: execution.threads, else the cores the "
                   "launcher gives each rank)")
      ->check(at_least(1));
  auto* force = command->add_flag("--force", args->is_force, "Overwrite an existing batch file");
  auto* resume = command->add_flag("--resume", args->is_resume,
                                   "Finish an interrupted batch file: run only its pending tasks");
  force->excludes(resume);
  command->add_option("--chunk-min", args->chunk_min, "Smallest chunk of tasks handed out")
      ->check(at_least(1));
  command->add_option("--chunk-max", args->chunk_max, "Largest chunk of tasks handed out")
      ->check(at_least(1));
  command->add_flag("--skip-space-check", args->is_skipping_space_check,
                    "Start even when the estimated output and journal exceed the free space "
                    "of the output's file system");
  command->add_flag("-q,--quiet", args->is_quiet, "No progress and no summary (errors only)");
  auto quiet_parse = std::make_shared<QuietParse>();
  command->preparse_callback([quiet_parse](std::size_t) { quiet_parse->begin(); });
  command->callback([args, quiet_parse] {
    quiet_parse->end();
    const double start_unix_s = simorch::unix_now();
    if (!is_started_by_mpi_launcher()) {
      run_stoppable_command([&] { return run_in_process(*args, start_unix_s); });
    } else {
      run_mpi_command([&] { return run_on_all_ranks(*args, start_unix_s); });
    }
  });
});

}  // namespace
}  // namespace simorch::cli
