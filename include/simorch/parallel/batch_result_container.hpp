#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "simorch/parallel/worker_pool.hpp"
#include "simorch/sim/sequential_orchestrator.hpp"
#include "simorch/sim/task.hpp"

namespace simorch {

/// Wall time and per-thread accounting of one batch (not part of the results).
struct BatchTiming {
  double wall_s = 0;                 ///< from the first task queued to the last one finished
  std::vector<ThreadStats> threads;  ///< one entry per pool thread, index = thread index
};

/// Results of one batch in TASK ORDER: entry i belongs to the i-th task given, whichever
/// thread ran it and whenever it finished. Failed tasks (diverged, out of bounds, error)
/// are kept with their status and message. Trajectories, when the SimConfig saves them,
/// are flat row-major arrays: states [size][num_samples][6], controls [size][num_samples].
///
/// The summaries and trajectories are a pure function of the tasks: bitwise identical for
/// any thread count, except the fields that say where and how long a task ran (rank,
/// thread, wall_time_s).
class BatchResultContainer {
 public:
  BatchResultContainer() = default;
  /// Room for `num_tasks` results (status pending) with `num_samples` trajectory samples
  /// each, `sample_interval_s` apart (num_samples 0: no trajectories).
  BatchResultContainer(std::size_t num_tasks, std::size_t num_samples, double sample_interval_s);

  /// Number of tasks.
  std::size_t size() const noexcept { return summaries_.size(); }
  /// True for a batch of no tasks.
  bool empty() const noexcept { return summaries_.empty(); }
  /// Trajectory samples per task (0 without trajectories).
  std::size_t num_samples() const noexcept { return num_samples_; }
  /// True when trajectories were saved.
  bool has_trajectories() const noexcept { return num_samples_ > 0; }

  /// Every summary, in task order.
  std::span<const TaskSummary> summaries() const noexcept { return summaries_; }
  /// Summary of the i-th task; throws std::out_of_range past the end.
  const TaskSummary& summary(std::size_t i) const { return summaries_.at(i); }
  /// All state samples: size()·num_samples()·6 doubles, task-major.
  std::span<const double> states() const noexcept { return states_; }
  /// All control samples: size()·num_samples() doubles, task-major.
  std::span<const double> controls() const noexcept { return controls_; }
  /// State samples of the i-th task: num_samples()·6 doubles (empty without trajectories).
  std::span<const double> state_trajectory(std::size_t i) const;
  /// Control samples of the i-th task: num_samples() doubles (empty without trajectories).
  std::span<const double> control_trajectory(std::size_t i) const;
  /// Time of each trajectory sample: k·sample_interval_s for k in [0, num_samples()).
  std::vector<double> sample_times() const;

  /// Number of tasks with the given status.
  std::size_t count(TaskStatus status) const noexcept;
  /// Number of tasks per status, indexed by the status value.
  std::array<std::size_t, task_status_count> status_counts() const noexcept;
  /// Tasks that completed and settled (TaskSummary::success).
  std::size_t num_successful() const noexcept;
  /// Indices of every task whose status is not `completed`, ascending.
  std::vector<std::size_t> failed_indices() const;

  /// Wall time and per-thread accounting of the run that filled this container.
  const BatchTiming& timing() const noexcept { return timing_; }

  // ---- filling: each task writes only its own slot, so different tasks may be filled
  // ---- concurrently from different threads.

  /// Where the sequential orchestrator writes the trajectory of the i-th task.
  TrajectoryOut trajectory_slot(std::size_t i) noexcept;
  /// Stores the summary of the i-th task with its unused bytes (struct padding, the
  /// message after its NUL) zeroed, so equal results compare equal with memcmp.
  void set_summary(std::size_t i, const TaskSummary& summary) noexcept;
  /// Records how the batch ran.
  void set_timing(BatchTiming timing) { timing_ = std::move(timing); }

 private:
  void check_index(std::size_t i) const;

  std::size_t num_samples_ = 0;
  double sample_interval_s_ = 0;
  std::vector<TaskSummary> summaries_;
  std::vector<double> states_;
  std::vector<double> controls_;
  BatchTiming timing_;
};

}  // namespace simorch
