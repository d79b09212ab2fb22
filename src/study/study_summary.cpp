#include "simorch/study/study_summary.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <vector>

namespace simorch {
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
  s.warnings = study.warnings;
  return s;
}

}  // namespace simorch
