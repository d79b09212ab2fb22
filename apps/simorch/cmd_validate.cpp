// `simorch validate STUDY.yaml`: checks a study without running it and prints what a run
// would do. Exit 0 when valid; a bad study throws ConfigError/IoError, which main() maps
// to exit code 2 with a one-line message.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "command_registry.hpp"
#include "simorch/run/preflight.hpp"
#include "simorch/study/study.hpp"
#include "simorch/study/study_plan.hpp"
#include "simorch/study/study_summary.hpp"

namespace simorch::cli {
namespace {

/// What `validate` prints besides the warnings.
struct ValidateOptions {
  std::string path;
  bool is_canonical = false;  ///< print canonical_text() instead of the summary
};

// Cases, grid shape, sampling design and stopping rule: what multiplies the tasks.
void print_plan(const StudyPlan& plan) {
  std::string cases;
  for (const std::string& name : plan.case_names()) cases += (cases.empty() ? "" : ", ") + name;
  fmt::print("cases: {} ({})\n", plan.num_cases(), cases);
  if (plan.axes().empty()) {
    fmt::print("grid: none\n");
  } else {
    std::string shape;
    for (const GridAxis& axis : plan.axes()) {
      shape += fmt::format("{}{} {} [{} .. {}]", shape.empty() ? "" : " x ", axis.values.size(),
                           axis.path, axis.values.front(), axis.values.back());
    }
    fmt::print("grid: {} points: {}\n", plan.num_points(), shape);
  }
  const MonteCarloConfig& mc = plan.base().monte_carlo;
  fmt::print("sampling: {}\n", to_string(mc.sampling));
  fmt::print("samples per case and grid point: {}{}\n", plan.num_samples(),
             mc.stop.is_active() ? " (at most)" : "");
  if (mc.stop.is_active()) {
    fmt::print(
        "stop: success-rate Wilson half-width <= {} at {} confidence, looked at every {} "
        "samples from {} on, per case and grid point\n",
        mc.stop.half_width, mc.stop.confidence, mc.stop.check_every, mc.stop.min_samples);
  }
  fmt::print("maximum tasks: {} = {} samples x {} cases x {} points\n", plan.num_tasks(),
             plan.num_samples(), plan.num_cases(), plan.num_points());
}

void run_validate(const ValidateOptions& options) {
  const std::string& path = options.path;
  const StudyPlan plan = StudyPlan::load(path);
  const Study& study = plan.base();
  for (const std::string& warning : study.warnings) {
    fmt::print(stderr, "simorch: warning: {}\n", warning);
  }
  if (options.is_canonical) {
    // What the study hash covers: diff two of these to see why --resume refuses a study.
    fmt::print("{}", plan.canonical_text());
    return;
  }
  const StudySummary s = summarize_study(study);
  fmt::print("study: {} is valid (hash {})\n", path, plan.hash());
  print_plan(plan);
  fmt::print("tasks: {}\n", plan.num_tasks());
  fmt::print("model: {}\n", s.model);
  fmt::print("controller: {}\n", s.controller);
  fmt::print("integrator: {}\n", s.integrator);
  fmt::print("dt: {} s\n", s.dt);
  fmt::print("duration: {} s\n", s.duration);
  fmt::print("steps per task: {}\n", s.steps_per_task);
  fmt::print("trajectory samples per task: {}{}\n", s.samples_per_task,
             s.save_every > 0 ? fmt::format(" (every {} steps)", s.save_every) : "");
  fmt::print("initial state: {}\n", s.initial_state);
  fmt::print("parameter uncertainty: {}\n", s.parameter_uncertainty);
  fmt::print("seed: {}\n", s.seed);
  fmt::print("output: {}\n", s.output);
  // The figures `simorch run` checks before it creates anything (without --output).
  const SpaceEstimate space = estimate_space(plan, study.output.path, /*is_resume=*/false);
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
