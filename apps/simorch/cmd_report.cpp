// `simorch report OUT.h5 [--json] [--metric NAME]`: outcomes, metric quantiles, cases,
// paired differences, grid points and timing of one batch file (docs/scaling.md), or a live view of
// one that a run is writing. A foreign, damaged or newer-format file throws IoError (bad input),
// which main() maps to exit code 2.
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "simorch/analysis/run_report.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/io/batch_schema.hpp"
#include "simorch/io/live_reader.hpp"
#include "simorch/tune/tune_report.hpp"

namespace simorch::cli {
namespace {

struct ReportOptions {
  std::string path;
  bool is_json = false;
  analysis::ReportSettings settings;
};

// The columns --metric accepts: those `simorch report` summarises as metrics.
std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  for (const ColumnSpec& c : batch_columns())
    if (c.report == ReportRole::metric) names.emplace_back(c.name());
  return names;
}

// A file that a run is writing is read from its journal (no lock: the writer is never
// disturbed, docs/resume.md); any other file through HDF5.
analysis::RunReport read_report(const ReportOptions& options) {
  if (LiveReader::is_being_written(options.path))
    return analysis::make_live_report(LiveReader(options.path));
  return analysis::make_run_report(BatchReader(options.path), options.settings);
}

void run_report(const ReportOptions& options) {
  if (is_tune_file(options.path)) {  // written by `simorch tune`
    fmt::print("{}", format_tune_report(options.path, options.is_json));
    return;
  }
  const analysis::RunReport report = read_report(options);
  const std::string text =
      options.is_json ? analysis::format_report_json(report) : analysis::format_report_text(report);
  fmt::print("{}", text);
}

const CommandRegistration report_command(30, [](CLI::App& app) {
  auto* command = app.add_subcommand(
      "report", "Summarise a batch file: outcomes, success rate, metric quantiles, timing");
  auto options = std::make_shared<ReportOptions>();
  command
      ->add_option("file", options->path,
                   "Batch file (HDF5) written by simorch run, or a tuning file")
      ->required();
  command->add_flag("--json", options->is_json, "Print the report as one JSON object");
  command
      ->add_option("--metric", options->settings.grid_metric,
                   "Metric whose median each grid point shows (default settling_time)")
      ->check(CLI::IsMember(metric_names()));
  command->callback([options] { run_report(*options); });
});

}  // namespace
}  // namespace simorch::cli
