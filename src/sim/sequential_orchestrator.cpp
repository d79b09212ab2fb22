#include "simorch/sim/sequential_orchestrator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <optional>
#include <string>

#include "sim/run_metrics.hpp"
#include "sim/summary_message.hpp"
#include "sim/validate_sim_config.hpp"
#include "simorch/error.hpp"
#include "simorch/integrate/integrator.hpp"
#include "simorch/model/angle.hpp"

namespace simorch {
namespace {

using detail::stop;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// True, with the status and message set, when x is outside the bounds.
bool is_out_of_bounds(const State& x, const StateBounds& bounds, TaskSummary& summary,
                      double t) noexcept {
  const double limits[] = {bounds.max_abs_x,        bounds.max_abs_theta,
                           bounds.max_abs_theta,    bounds.max_abs_velocity,
                           bounds.max_abs_velocity, bounds.max_abs_velocity};
  for (int i = 0; i < 6; ++i) {
    if (std::abs(x[i]) > limits[i]) {
      stop(summary, TaskStatus::out_of_bounds, "|%s| = %.6g > %.6g at t = %.6g s", state_names[i],
           std::abs(x[i]), limits[i], t);
      return true;
    }
  }
  return false;
}

/// Writes trajectory sample `index`: the state and the force held after it.
void write_sample(const TrajectoryOut& out, std::int64_t index, const State& x, double u) noexcept {
  const auto i = static_cast<std::size_t>(index);
  std::copy(x.data(), x.data() + 6, out.state.begin() + static_cast<std::ptrdiff_t>(6 * i));
  out.control[i] = u;
}

}  // namespace

SequentialOrchestrator::SequentialOrchestrator(const SimConfig& config,
                                               const ControllerConfig& controller,
                                               const DipParams& nominal)
    : config_(config) {
  detail::validate(config_);
  validate(controller, "controllers." + std::string(to_string(controller.kind)));
  prototype_ = make_controller(controller, DipModel(config_.model, nominal));
}

TaskSummary SequentialOrchestrator::run(const TaskSpec& task,
                                        TrajectoryOut trajectory) const noexcept {
  const auto start = std::chrono::steady_clock::now();
  TaskSummary summary;
  summary.task_id = task.id;
  std::fill(trajectory.state.begin(), trajectory.state.end(), nan);
  std::fill(trajectory.control.begin(), trajectory.control.end(), nan);
  const std::int64_t samples = config_.num_samples();
  const bool is_saving = !trajectory.state.empty() || !trajectory.control.empty();
  const double dt = config_.dt;
  std::optional<DipModel> model;
  try {
    if (is_saving && (trajectory.state.size() != static_cast<std::size_t>(6 * samples) ||
                      trajectory.control.size() != static_cast<std::size_t>(samples))) {
      stop(summary, TaskStatus::error, "trajectory buffers hold %zu/%zu doubles, need %lld/%lld",
           trajectory.state.size(), trajectory.control.size(), static_cast<long long>(6 * samples),
           static_cast<long long>(samples));
    } else {
      model.emplace(config_.model, task.params);
    }
  } catch (const std::exception& e) {
    // Sampled parameters can be impossible (a negative mass from a wide uncertainty).
    stop(summary, TaskStatus::error, "invalid parameters: %s", e.what());
  }
  if (!model) {
    summary.failure_time_s = 0.0;
    summary.wall_time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
  }

  const std::int64_t num_steps = config_.num_steps();
  const std::int64_t every = config_.save_every;
  detail::RunMetrics metrics(config_.settle_tolerance);
  Integrator integrator(config_.integrator);
  State x = task.initial_state;
  std::int64_t k = 0;
  // Whether x is the state at time k·dt (false when dp45 gave up in the middle of a period).
  bool is_state_on_grid = true;
  summary.status = TaskStatus::completed;
  try {
    const std::unique_ptr<Controller> controller = prototype_->clone();
    if (!x.allFinite()) {
      stop(summary, TaskStatus::diverged, "initial state is not finite");
    } else if (!is_out_of_bounds(config_.wraps_angles ? wrap_angles(x) : x, config_.bounds, summary,
                                 0.0)) {
      for (; k < num_steps; ++k) {
        const double t = static_cast<double>(k) * dt;
        const State seen = config_.wraps_angles ? wrap_angles(x) : x;
        metrics.observe_state(seen, k);
        double u = nan;
        try {
          u = controller->compute(x, k, dt);
        } catch (const std::exception& e) {
          stop(summary, TaskStatus::error, "controller failed at t = %.6g s: %s", t, e.what());
          break;
        }
        if (!std::isfinite(u)) {
          stop(summary, TaskStatus::diverged, "control force %g at t = %.6g s", u, t);
          break;
        }
        metrics.observe_period(seen, u, t, dt);
        if (is_saving && k % every == 0) write_sample(trajectory, k / every, x, u);
        const AdvanceStatus advanced = integrator.advance(*model, x, u, dt);
        if (advanced != AdvanceStatus::ok) {
          is_state_on_grid = false;
          ++k;
          if (advanced == AdvanceStatus::non_finite) {
            stop(summary, TaskStatus::diverged, "state became NaN/Inf in t = [%.6g, %.6g] s", t,
                 t + dt);
          } else {
            stop(summary, TaskStatus::error,
                 "dp45 step fell below min_step = %g s in t = [%.6g, %.6g] s",
                 config_.integrator.min_step, t, t + dt);
          }
          break;
        }
        if (is_out_of_bounds(config_.wraps_angles ? wrap_angles(x) : x, config_.bounds, summary,
                             static_cast<double>(k + 1) * dt)) {
          ++k;
          break;
        }
      }
    }
  } catch (const std::exception& e) {  // clone() or the controller allocating
    stop(summary, TaskStatus::error, "%s", e.what());
  } catch (...) {
    stop(summary, TaskStatus::error, "unknown exception");
  }

  // x is the state at k·dt: the end of the run, or where it stopped.
  if (is_state_on_grid) {
    metrics.observe_state(config_.wraps_angles ? wrap_angles(x) : x, k);
    if (is_saving && k % every == 0) write_sample(trajectory, k / every, x, nan);
  }
  metrics.write(summary, summary.status == TaskStatus::completed, dt);
  std::copy(x.data(), x.data() + 6, summary.final_state);
  summary.steps = k;
  // k·dt is the end of the last period simulated: the sample found outside the bounds,
  // the end of the period in which the state diverged or dp45 gave up, or the start of
  // the period whose control law threw (docs/physics.md, "Metrics").
  if (summary.status != TaskStatus::completed) summary.failure_time_s = static_cast<double>(k) * dt;
  summary.integrator_steps = integrator.counts().accepted;
  summary.rejected_steps = integrator.counts().rejected;
  summary.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace simorch
