// `mpirun -np N simorch tune STUDY.yaml -o TUNE.h5`: PSO of the study controller's gains,
// each generation one dispatch of particles × samples tasks over every rank and thread
// (docs/tuning.md). Rank 0 prints; every rank exits with the same code: 0 done, 2 bad
// input, 1 runtime failure, 75 interrupted (continue with --resume).
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "command_registry.hpp"
#include "mpi_command.hpp"
#include "simorch/error.hpp"
#include "simorch/mpi/collective_failure.hpp"
#include "simorch/mpi/mpi_session.hpp"
#include "simorch/mpi/rank_cores.hpp"
#include "simorch/mpi/study_broadcast.hpp"
#include "simorch/run/stop_signal.hpp"
#include "simorch/tune/tuner.hpp"

namespace simorch::cli {
namespace {

using TuneArguments = StudyCommandArguments;

std::string gains_text(const std::vector<double>& gains) {
  std::string text = "[";
  for (std::size_t i = 0; i < gains.size(); ++i)
    text += fmt::format("{}{}", i ? ", " : "", gains[i]);
  return text + "]";
}

std::string short_gains(const std::vector<double>& gains) {
  std::string text = "[";
  for (std::size_t i = 0; i < gains.size(); ++i)
    text += fmt::format("{}{:.4g}", i ? ", " : "", gains[i]);
  return text + "]";
}

/// Rank 0: the files a fresh run would clobber, or the journal a resume needs.
void check_files(const TuneArguments& args) {
  const std::filesystem::path output(args.output);
  const std::filesystem::path journal = args.output + ".journal";
  if (args.is_resume) {
    if (!std::filesystem::exists(journal)) {
      throw IoError(journal.string(), "resume tuning", "no journal: nothing to resume", true);
    }
  } else if (!args.is_force &&
             (std::filesystem::exists(output) || std::filesystem::exists(journal))) {
    throw IoError(output.string(), "create tuning file",
                  "exists (or its .journal does); use --force to overwrite or --resume", true);
  }
}

int tune_on_all_ranks(const TuneArguments& args) {
  mpi::MpiSession session;
  const bool is_root = session.rank() == 0;
  StopSignalScope signals;
  try {
    const Study study = mpi::broadcast_study(args.study);
    std::optional<TuningConfig> tuning;
    mpi::run_collectively([&] {
      tuning.emplace(parse_tuning(study.text, study));
      if (is_root) check_files(args);
    });
    if (is_root) {
      // The study's list of unused seed sections is `run`'s view; tune reads three of them.
      for (const auto& warning : study.warnings) {
        fmt::print(stderr, "simorch: warning: {} (simorch tune reads pso, cost_function, tuning)\n",
                   warning);
      }
      for (const auto& warning : tuning->warnings)
        fmt::print(stderr, "simorch: warning: {}\n", warning);
    }
    const RankCores cores = mpi::query_rank_cores();
    TuneOptions options;
    options.output = args.output;
    options.is_resume = args.is_resume;
    options.is_force = args.is_force;
    options.threads = args.threads > 0              ? args.threads
                      : study.execution.threads > 0 ? study.execution.threads
                                                    : default_threads(cores);
    if (is_root && !args.is_quiet) {
      fmt::print(stderr,
                 "simorch tune: {} gains of {}, {} particles x {} samples per generation, {} "
                 "generations after the initial swarm\n",
                 tuning->lower.size(), to_string(study.controller.kind), tuning->n_particles,
                 tuning->samples, tuning->iters);
      options.on_generation = [](const GenerationProgress& p) {
        if (p.is_replayed) {
          fmt::print(stderr, "simorch tune: generation {}/{} (from the journal) best {:.6g} {}\n",
                     p.generation, p.generations - 1, p.best_cost, short_gains(p.best_gains));
          return;
        }
        fmt::print(stderr,
                   "simorch tune: generation {}/{} best {:.6g} {}  {:.2f} s, {:.1f} particles/s, "
                   "utilisation {:.1f} %, idle at the barrier {:.3f} core-s, ETA {:.0f} s\n",
                   p.generation, p.generations - 1, p.best_cost, short_gains(p.best_gains),
                   p.wall_s, p.particles_per_s, 100.0 * p.utilisation, p.idle_s, p.eta_s);
      };
    }
    const TuneResult result = run_tuning(study, *tuning, options);
    if (is_root && result.exit_code == 0) {
      fmt::print(stdout,
                 "# best of {} x {} evaluations, cost {:.6g}; validation on {} fresh tasks "
                 "(seed {}): success {} of {} = {:.4f}, 95 % Wilson interval [{:.4f}, {:.4f}]\n",
                 tuning->iters + 1, tuning->n_particles, result.best_cost, result.validation_trials,
                 tuning->validation_seed, result.validation_successes, result.validation_trials,
                 result.validation_trials ? static_cast<double>(result.validation_successes) /
                                                static_cast<double>(result.validation_trials)
                                          : 0.0,
                 result.validation_lower, result.validation_upper);
      fmt::print(stdout, "controllers:\n  {}:\n    gains: {}\n", to_string(study.controller.kind),
                 gains_text(result.best_gains));
      if (!args.is_quiet) {
        fmt::print(stderr,
                   "simorch tune: {:.1f} particle evaluations/s, utilisation {:.1f} % over the "
                   "simulated generations ({:.2f} core-s idle at their barriers); history in {}\n",
                   result.particles_per_s, 100.0 * result.utilisation, result.idle_s, args.output);
      }
    } else if (is_root && result.exit_code == exit_code::interrupted) {
      fmt::print(stderr,
                 "simorch tune: interrupted; finished generations are in {}.journal (continue "
                 "with --resume)\n",
                 args.output);
    }
    return result.exit_code;
  } catch (const mpi::CollectiveFailure& failure) {
    if (is_root) fmt::print(stderr, "simorch: error: {}\n", failure.what());
    return failure.exit_code();
  } catch (const std::exception&) {
    // One rank failed alone (rank 0 refusing an edited study on --resume, say): the others
    // wait in a collective, so the job ends here, with 2 for bad input as everywhere else.
    const mpi::Failure failure = mpi::failure_from_current_exception();
    fmt::print(stderr, "simorch: rank {}: error: {}\n", session.rank(), failure.message);
    mpi::abort_all_ranks(failure.exit_code);
  }
}

const CommandRegistration tune_command(15, [](CLI::App& app) {
  auto args = std::make_shared<TuneArguments>();
  auto* command = app.add_subcommand(
      "tune",
      "Tune the study controller's gains by particle swarm optimisation on every rank of the\n"
      "MPI job (mpirun -np N simorch tune study.yaml -o tune.h5). Reads pso:, cost_function:\n"
      "and tuning: (docs/tuning.md). Exit 0 done, 2 bad input, 1 failure, 75 interrupted\n"
      "(continue with --resume).");
  command->add_option("study", args->study, "Study file (YAML)")->required();
  command->add_option("-o,--output", args->output, "Tuning file to write (HDF5)")->required();
  command->add_option("--threads", args->threads, "Pool threads per rank")
      ->check(CLI::PositiveNumber);
  auto* force = command->add_flag("--force", args->is_force, "Overwrite the file and its journal");
  auto* resume = command->add_flag("--resume", args->is_resume,
                                   "Continue from the journal's last finished generation");
  force->excludes(resume);
  command->add_flag("-q,--quiet", args->is_quiet, "No progress (the result and errors only)");
  command->callback([args] { run_mpi_command([&] { return tune_on_all_ranks(*args); }); });
});

}  // namespace
}  // namespace simorch::cli
