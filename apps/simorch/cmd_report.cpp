// `simorch report OUT.h5 [--json]`: outcomes, metric quantiles and timing of one batch
// file (docs/scaling.md), or a live view of one that a run is writing. A foreign, damaged or
// newer-format file throws IoError (bad input), which main() maps to exit code 2.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "command_registry.hpp"
#include "simorch/analysis/run_report.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/io/live_reader.hpp"

namespace simorch::cli {
namespace {

struct ReportOptions {
  std::string path;
  bool is_json = false;
};

// A file that a run is writing is read from its journal (no lock: the writer is never
// disturbed, docs/resume.md); any other file through HDF5.
analysis::RunReport read_report(const std::string& path) {
  if (LiveReader::is_being_written(path)) return analysis::make_live_report(LiveReader(path));
  return analysis::make_run_report(BatchReader(path));
}

void run_report(const ReportOptions& options) {
  const analysis::RunReport report = read_report(options.path);
  const std::string text =
      options.is_json ? analysis::format_report_json(report) : analysis::format_report_text(report);
  fmt::print("{}", text);
}

const CommandRegistration report_command(30, [](CLI::App& app) {
  auto* command = app.add_subcommand(
      "report", "Summarise a batch file: outcomes, success rate, metric quantiles, timing");
  auto options = std::make_shared<ReportOptions>();
  command->add_option("file", options->path, "Batch file (HDF5) written by simorch run")
      ->required();
  command->add_flag("--json", options->is_json, "Print the report as one JSON object");
  command->callback([options] { run_report(*options); });
});

}  // namespace
}  // namespace simorch::cli
