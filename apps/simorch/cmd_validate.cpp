// `simorch validate STUDY.yaml`: checks a study without running it and prints what a run
// would do. Exit 0 when valid; a bad study throws ConfigError/IoError, which main() maps
// to exit code 2 with a one-line message.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "command_registry.hpp"
#include "simorch/run/preflight.hpp"
#include "simorch/study/study.hpp"

namespace simorch::cli {
namespace {

std::string describe_initial_state(const Study& study) {
  const InitialStateSpec& spec = study.initial_state;
  switch (spec.kind) {
    case InitialStateKind::fixed:
      return fmt::format("fixed at {}",
                         std::vector<double>(spec.nominal.begin(), spec.nominal.end()));
    case InitialStateKind::file:
      return fmt::format("file {} ({} rows)", spec.file.string(), spec.states.size());
    case InitialStateKind::uniform:
    case InitialStateKind::normal:
      break;
  }
  return fmt::format("{} around {}, {} {}", to_string(spec.kind),
                     std::vector<double>(spec.nominal.begin(), spec.nominal.end()),
                     spec.kind == InitialStateKind::uniform ? "half-widths" : "std. deviations",
                     spec.spread);
}

std::string describe_uncertainty(const Study& study) {
  if (!study.uncertainty.is_active()) return "none (nominal physics)";
  std::string text;
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    const double fraction = study.uncertainty.fraction[i];
    if (fraction <= 0.0) continue;
    text += fmt::format("{}{} ±{}%", text.empty() ? "" : ", ", DipParams::names[i], fraction * 100);
  }
  return text;
}

/// What `validate` prints besides the warnings.
struct ValidateOptions {
  std::string path;
  bool is_canonical = false;  ///< print canonical_text() instead of the summary
};

void run_validate(const ValidateOptions& options) {
  const std::string& path = options.path;
  const Study study = load_study(path);
  for (const std::string& warning : study.warnings) {
    fmt::print(stderr, "simorch: warning: {}\n", warning);
  }
  if (options.is_canonical) {
    // What the study hash covers: diff two of these to see why --resume refuses a study.
    fmt::print("{}", canonical_text(study));
    return;
  }
  const SimConfig& sim = study.sim;
  fmt::print("study: {} is valid (hash {})\n", path, study_hash(study));
  fmt::print("tasks: {}\n", study.num_tasks());
  fmt::print("model: {}\n", to_string(sim.model));
  fmt::print("controller: {}\n", to_string(study.controller.kind));
  fmt::print("integrator: {}\n", to_string(sim.integrator.kind));
  fmt::print("dt: {} s\n", sim.dt);
  fmt::print("duration: {} s\n", sim.duration);
  fmt::print("steps per task: {}\n", sim.num_steps());
  fmt::print("trajectory samples per task: {}{}\n", sim.num_samples(),
             sim.save_every > 0 ? fmt::format(" (every {} steps)", sim.save_every) : "");
  fmt::print("initial state: {}\n", describe_initial_state(study));
  fmt::print("parameter uncertainty: {}\n", describe_uncertainty(study));
  fmt::print("seed: {}\n", study.monte_carlo.seed);
  fmt::print("output: {}\n", study.output.path.string());
  // The figures `simorch run` checks before it creates anything (without --output).
  const SpaceEstimate space = estimate_space(study, study.output.path, /*is_resume=*/false);
  fmt::print("estimated output size: {} (batch file {} + journal {})\n",
             format_megabytes(space.needed_bytes), format_megabytes(space.output_bytes),
             format_megabytes(space.journal_bytes));
  if (space.free_bytes >= 0) {
    fmt::print("free space at {}: {}{}\n", space.folder.string(),
               format_megabytes(space.free_bytes),
               space.needed_bytes > space.free_bytes ? " (too little: simorch run will refuse)"
               : space.needed_bytes > 0.5 * space.free_bytes ? " (the run would take over half)"
                                                             : "");
  }
  fmt::print("warnings: {}\n", study.warnings.size());
}

const CommandRegistration validate_command(20, [](CLI::App& app) {
  auto* command = app.add_subcommand(
      "validate", "Check a study file and print what it would run (exit 0 valid, 2 invalid)");
  auto options = std::make_shared<ValidateOptions>();
  command->add_option("study", options->path, "Study file (YAML)")->required();
  command->add_flag("--canonical", options->is_canonical,
                    "Print every setting that determines the results (what the study hash "
                    "covers) instead of the summary");
  command->callback([options] { run_validate(*options); });
});

}  // namespace
}  // namespace simorch::cli
