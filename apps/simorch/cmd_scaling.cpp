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

/// Runs on different batch kernels (docs/kernel.md: widths 4, 8, 16; SSE2 vs AVX-512) are
/// still one study, but their speedup then measures the kernels too: worth a warning.
void warn_on_mixed_kernels(const std::vector<std::string>& paths,
                           const std::vector<std::string>& kernels) {
  std::string first_path, first_kernel;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (kernels[i].empty()) continue;  // files of earlier versions record none
    if (first_kernel.empty()) {
      first_path = paths[i];
      first_kernel = kernels[i];
    } else if (kernels[i] != first_kernel) {
      fmt::print(stderr,
                 "simorch: warning: {} ran the batch kernel \"{}\", {} ran \"{}\": the "
                 "speedups compare kernels as well as layouts\n",
                 first_path, first_kernel, paths[i], kernels[i]);
      return;
    }
  }
}

void run_scaling(const ScalingOptions& options) {
  std::vector<analysis::ScalingRun> runs;
  std::vector<std::string> kernels;
  for (const std::string& path : options.paths) {
    const BatchReader reader(path);
    runs.push_back(analysis::load_scaling_run(reader));
    const auto segments = reader.timing();
    kernels.push_back(segments.empty() ? std::string() : segments.front().kernel);
    for (const auto& segment : segments) {
      if (segment.kernel != kernels.back()) kernels.back() += " + " + segment.kernel;
    }
  }
  warn_on_mixed_kernels(options.paths, kernels);
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
