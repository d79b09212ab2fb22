#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

#include "simorch/model/dip_params.hpp"
#include "simorch/model/state.hpp"

namespace simorch {

/// Outcome of one task; the values are stored in /results/status.
enum class TaskStatus : std::int8_t {
  pending = 0,        ///< not run yet (or lost in an interrupted run)
  completed = 1,      ///< ran to the end inside the bounds
  out_of_bounds = 2,  ///< left the state bounds
  diverged = 3,       ///< NaN or Inf in the state or control
  error = 4,          ///< threw, or dp45's step fell below min_step
  not_run = 5,        ///< past its case's and grid point's stop (monte_carlo.stop)
};
inline constexpr int task_status_count = 6;

/// "pending", "completed", ... (the one place the status names are spelled).
std::string_view to_string(TaskStatus status) noexcept;

/// True for the statuses of a task that ran and failed (out_of_bounds, diverged, error).
constexpr bool is_failure(TaskStatus status) noexcept {
  return status == TaskStatus::out_of_bounds || status == TaskStatus::diverged ||
         status == TaskStatus::error;
}

/// True for the statuses of a task that was simulated: neither pending nor skipped past a
/// stop (not_run).
constexpr bool is_simulated(TaskStatus status) noexcept {
  return status != TaskStatus::pending && status != TaskStatus::not_run;
}

/// Everything one simulation needs beyond the study: a pure function of (study, id).
struct TaskSpec {
  std::uint64_t id = 0;
  State initial_state = State::Zero();
  DipParams params;
};

/// Summary of one task: status, metrics and where it ran. Trivially copyable so that it
/// travels as raw bytes in MPI messages and the journal; one row of /results.
struct TaskSummary {
  static constexpr std::size_t message_capacity = 96;

  std::uint64_t task_id = 0;
  double ise = 0;             ///< ∫‖x‖² dt
  double itae = 0;            ///< ∫ t·(|θ1| + |θ2|) dt
  double max_abs_theta1 = 0;  ///< max |θ1| [rad]
  double max_abs_theta2 = 0;
  double max_abs_x = 0;       ///< max |x| [m]
  double max_abs_u = 0;       ///< max |u| [N]
  double control_energy = 0;  ///< ∫ u² dt
  double settling_time = 0;  ///< first time after which |θ1|,|θ2| stay ≤ tolerance; NaN if never
  /// Simulated time [s] at which the task left the bounds, diverged or failed; NaN when it
  /// completed (or the time is unknown).
  double failure_time_s = std::numeric_limits<double>::quiet_NaN();
  double final_state[6] = {};
  double wall_time_s = 0;  ///< compute time of this task (not part of the bitwise results)
  std::int64_t steps = 0;  ///< control periods simulated
  std::int64_t integrator_steps = 0;  ///< accepted integrator steps
  std::int64_t rejected_steps = 0;    ///< dp45 rejected steps
  std::int32_t rank = -1;             ///< MPI rank that ran it (not part of the bitwise results)
  std::int32_t thread = -1;           ///< pool thread that ran it (not part of the bitwise results)
  TaskStatus status = TaskStatus::pending;
  std::uint8_t success = 0;             ///< completed and settled
  char message[message_capacity] = {};  ///< NUL-terminated reason for error statuses
};
static_assert(std::is_trivially_copyable_v<TaskSummary>);

}  // namespace simorch
