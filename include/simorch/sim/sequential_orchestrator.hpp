#pragma once

#include <memory>
#include <span>

#include "simorch/control/controller.hpp"
#include "simorch/sim/sim_config.hpp"
#include "simorch/sim/task.hpp"

namespace simorch {

/// Where run() puts the decimated trajectory of one task; spans of num_samples()·6 and
/// num_samples() doubles (empty when no trajectory is saved). Samples after an early stop
/// are NaN; the control sample at the final time is NaN (no force is applied after it).
struct TrajectoryOut {
  std::span<double> state;
  std::span<double> control;
};

/// Runs one task at a time: model + controller + integrator, closed loop, zero-order hold.
/// Immutable after construction and safe to share between threads: run() clones the
/// controller prototype, so all per-task state lives on run()'s stack.
class SequentialOrchestrator {
 public:
  /// Validates `config` and `controller` and builds the controller for the nominal
  /// plant `nominal`; throws ConfigError (or Error for an unstable LQR design) before any
  /// task runs.
  SequentialOrchestrator(const SimConfig& config, const ControllerConfig& controller,
                         const DipParams& nominal);

  /// Simulates `task`; never throws for a simulation outcome (diverged, out of bounds, a
  /// throwing controller): it becomes the status and message of the summary.
  TaskSummary run(const TaskSpec& task, TrajectoryOut trajectory = {}) const noexcept;

  const SimConfig& config() const noexcept { return config_; }

 private:
  SimConfig config_;
  std::shared_ptr<const Controller> prototype_;
};

}  // namespace simorch
