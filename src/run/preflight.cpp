#include "simorch/run/preflight.hpp"

#include <fmt/core.h>

#include <system_error>

#include "simorch/error.hpp"
#include "simorch/sim/task.hpp"

namespace simorch {
namespace {
// The nearest folder that exists: the output's own may be created by the run.
std::filesystem::path existing_folder(const std::filesystem::path& output) {
  std::error_code error;
  std::filesystem::path folder = std::filesystem::absolute(output, error).parent_path();
  while (!folder.empty() && !std::filesystem::exists(folder, error)) {
    if (folder == folder.parent_path()) break;
    folder = folder.parent_path();
  }
  return folder;
}

double size_or_zero(const std::filesystem::path& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? 0.0 : static_cast<double>(size);
}
}  // namespace

double estimated_output_bytes(const Study& study) {
  return estimated_output_bytes(StudyPlan::single(study));
}

double estimated_output_bytes(const StudyPlan& plan) {
  const Study& study = plan.base();
  const auto tasks = static_cast<double>(plan.num_tasks());
  double per_task = 6 * 8;  // /tasks/initial_state
  // /tasks/params (approximately: cases and grids may change the plant).
  const bool has_params =
      study.uncertainty.is_active() || plan.num_cases() > 1 || !plan.axes().empty();
  if (has_params) per_task += DipParams::count * 8;
  per_task += 8 + 4 + 8 + 8.0 * static_cast<double>(plan.axes().size());  // sample .. grid
  per_task += 1 + 1;                                                      // status, success
  per_task += 8 * 8;      // the eight float64 metrics
  per_task += 6 * 8;      // final_state
  per_task += 3 * 8;      // steps, integrator_steps, rejected_steps
  per_task += 4 + 4 + 8;  // rank, thread, wall_time_s
  per_task += 96;         // message (fixed-length string)
  const auto samples = static_cast<double>(study.sim.num_samples());
  per_task += samples * (6 * 8 + 8);      // /trajectories/state and /control
  return tasks * per_task + samples * 8;  // + /trajectories/time
}

double estimated_journal_bytes(const Study& study) {
  return estimated_journal_bytes(StudyPlan::single(study));
}

double estimated_journal_bytes(const StudyPlan& plan) {
  const Study& study = plan.base();
  const auto tasks = static_cast<double>(plan.num_tasks());
  const auto samples = static_cast<double>(study.sim.num_samples());
  // Each record: 16-byte head, 16-byte count prefix, 4-byte CRC; at worst one per task.
  constexpr double record_overhead = 16 + 16 + 4;
  const double per_task = sizeof(TaskSummary) + samples * (6 * 8 + 8) + record_overhead;
  constexpr double header_bytes = 64 * 1024;  // study text, canonical text, segment records
  return tasks * per_task + header_bytes;
}

SpaceEstimate estimate_space(const Study& study, const std::filesystem::path& output,
                             bool is_resume) {
  return estimate_space(StudyPlan::single(study), output, is_resume);
}

SpaceEstimate estimate_space(const StudyPlan& plan, const std::filesystem::path& output,
                             bool is_resume) {
  SpaceEstimate e;
  e.output_bytes = estimated_output_bytes(plan);
  e.journal_bytes = estimated_journal_bytes(plan);
  e.needed_bytes = e.output_bytes + e.journal_bytes;
  if (is_resume) {
    std::filesystem::path journal = output;
    journal += ".journal";
    e.needed_bytes -= size_or_zero(output) + size_or_zero(journal);
    if (e.needed_bytes < 0) e.needed_bytes = 0;
  }
  e.folder = existing_folder(output);
  std::error_code error;
  const auto space = std::filesystem::space(e.folder, error);
  if (!error) e.free_bytes = static_cast<double>(space.available);
  return e;
}

std::string format_megabytes(double bytes) {
  return fmt::format("{:.3g} MB", bytes / 1e6);
}

std::optional<std::string> check_space(const SpaceEstimate& e,
                                       const std::filesystem::path& output) {
  if (e.free_bytes < 0) return std::nullopt;
  const std::string figures = fmt::format(
      "the run needs about {} (batch file {} + journal {}) and {} has {} free",
      format_megabytes(e.needed_bytes), format_megabytes(e.output_bytes),
      format_megabytes(e.journal_bytes), e.folder.string(), format_megabytes(e.free_bytes));
  if (e.needed_bytes > e.free_bytes) {
    throw IoError(output.string(), "space check",
                  figures + "; free space, choose another --output, or pass --skip-space-check",
                  /*is_bad_input=*/true);
  }
  if (e.needed_bytes > 0.5 * e.free_bytes) {
    return output.string() + ": " + figures + ": more than half of it";
  }
  return std::nullopt;
}

}  // namespace simorch
