#include "simorch/study/study_summary.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <vector>

namespace simorch {
namespace {

// Per docs/hdf5-schema.md (format_version 1).
double estimated_output_bytes(const Study& study) {
  const auto tasks = static_cast<double>(study.num_tasks());
  double per_task = 6 * 8;                                              // /tasks/initial_state
  if (study.uncertainty.is_active()) per_task += DipParams::count * 8;  // /tasks/params
  per_task += 1 + 1;                                                    // status, success
  per_task += 8 * 8;                                                    // the eight float64 metrics
  per_task += 6 * 8;                                                    // final_state
  per_task += 3 * 8;      // steps, integrator_steps, rejected_steps
  per_task += 4 + 4 + 8;  // rank, thread, wall_time_s
  per_task += 96;         // message (fixed-length string)
  const auto samples = static_cast<double>(study.sim.num_samples());
  per_task += samples * (6 * 8 + 8);      // /trajectories/state and /control
  return tasks * per_task + samples * 8;  // + /trajectories/time
}

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

}  // namespace

StudySummary summarize_study(const Study& study) {
  const SimConfig& sim = study.sim;
  StudySummary s;
  s.hash = study_hash(study);
  s.num_tasks = study.num_tasks();
  s.model = std::string(to_string(sim.model));
  s.controller = std::string(to_string(study.controller.kind));
  s.integrator = std::string(to_string(sim.integrator.kind));
  s.dt = sim.dt;
  s.duration = sim.duration;
  s.steps_per_task = sim.num_steps();
  s.samples_per_task = sim.num_samples();
  s.save_every = sim.save_every;
  s.initial_state = describe_initial_state(study);
  s.parameter_uncertainty = describe_uncertainty(study);
  s.seed = study.monte_carlo.seed;
  s.output = study.output.path.string();
  s.estimated_output_bytes = estimated_output_bytes(study);
  s.warnings = study.warnings;
  return s;
}

}  // namespace simorch
