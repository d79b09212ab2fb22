// `simorch scaling A.h5 B.h5 ... [--csv|--json]`: speedup, efficiency, Karp-Flatt and the
// Amdahl (strong) or Gustafson (weak) fit over runs of one study (docs/scaling.md). Files
// of different studies, or unfinished runs, throw ConfigError: exit code 2.
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "simorch/analysis/scaling_report.hpp"
#include "simorch/io/batch_reader.hpp"

namespace simorch::cli {
namespace {

struct ScalingOptions {
  std::vector<std::string> paths;
  bool is_csv = false;
  bool is_json = false;
};

void run_scaling(const ScalingOptions& options) {
  std::vector<analysis::ScalingRun> runs;
  for (const std::string& path : options.paths)
    runs.push_back(analysis::load_scaling_run(BatchReader(path)));
  const analysis::ScalingAnalysis result = analysis::analyse_scaling(std::move(runs));
  if (options.is_csv)
    fmt::print("{}", analysis::format_scaling_csv(result));
  else if (options.is_json)
    fmt::print("{}", analysis::format_scaling_json(result));
  else
    fmt::print("{}", analysis::format_scaling_text(result));
}

const CommandRegistration scaling_command(40, [](CLI::App& app) {
  auto* command = app.add_subcommand(
      "scaling",
      "Scaling table of finished runs of one study on different ranks x threads: speedup, "
      "efficiency, Karp-Flatt, Amdahl fit (strong) or Gustafson (weak, samples ∝ N)");
  auto options = std::make_shared<ScalingOptions>();
  command->add_option("files", options->paths, "Batch files (HDF5), one per run")->required();
  auto* csv = command->add_flag("--csv", options->is_csv, "Print the table as CSV");
  command->add_flag("--json", options->is_json, "Print the table and the fit as JSON")
      ->excludes(csv);
  command->callback([options] { run_scaling(*options); });
});

}  // namespace
}  // namespace simorch::cli
