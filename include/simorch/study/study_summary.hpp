#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "simorch/study/study.hpp"

namespace simorch {

/// What `simorch validate` prints about a valid study, as data (also `simorch.validate()`
/// in Python): one field per printed line. The space estimate is run/preflight.hpp's.
struct StudySummary {
  std::string hash;  ///< study_hash()
  std::uint64_t num_tasks = 0;
  std::string model;
  std::string controller;
  std::string integrator;
  double dt = 0;        ///< control period [s]
  double duration = 0;  ///< simulated time per task [s]
  std::int64_t steps_per_task = 0;
  std::int64_t samples_per_task = 0;  ///< trajectory samples (0: none saved)
  std::int64_t save_every = 0;
  std::string initial_state;          ///< e.g. "uniform around [...], half-widths [...]"
  std::string parameter_uncertainty;  ///< e.g. "pendulum1_mass ±5%" or "none (nominal physics)"
  std::uint64_t seed = 0;
  std::string output;  ///< output.path
  std::vector<std::string> warnings;
};

/// Summarises a validated study without running it.
StudySummary summarize_study(const Study& study);

}  // namespace simorch
