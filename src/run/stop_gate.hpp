#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "run/result_block.hpp"
#include "simorch/sim/task.hpp"
#include "simorch/study/make_task.hpp"
#include "simorch/study/stopping_rule.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch::detail {

/// The stops decided so far, set by rank 0's gate (on the other ranks from its
/// group_stopped messages) and read by the rank's pool threads: a task past its group's
/// stop is not simulated but returned as not_run at once, the row the gate would make of
/// it anyway. Thread-safe.
class StopBoard {
 public:
  explicit StopBoard(std::uint64_t num_groups);
  void set(std::uint64_t group, std::uint64_t stop) noexcept;
  bool is_past(std::uint64_t group, std::uint64_t sample) const noexcept;

 private:
  std::unique_ptr<std::atomic<std::uint64_t>[]> stops_;
};

/// Rank 0's side of monte_carlo.stop (docs/study-file.md, "Stopping at a precision"):
/// follows every group (a case at a grid point) with a StopTracker and decides, for each
/// finished task, whether its row is kept or recorded as not_run.
///
/// A result whose fate is not known yet (its sample lies beyond the group's finished
/// prefix, and the group has not stopped) is held back until it is: so whatever reaches
/// the file is final, and the file is the same on every layout and after a resume. Rank 0's
/// main thread only.
class StopGate {
 public:
  /// `plan` must outlive the gate. Inactive (every task needed, blocks pass through) when
  /// the plan has no monte_carlo.stop.
  explicit StopGate(const StudyPlan& plan);

  bool is_active() const noexcept { return plan_.base().monte_carlo.stop.is_active(); }
  /// A task finished in an earlier segment (read back from the file on --resume).
  void record_done(std::uint64_t id, TaskStatus status, bool is_success);
  /// The task is not past its group's decided stop.
  bool is_needed(std::uint64_t id) const noexcept;
  /// Takes a finished block and returns the blocks whose every row is now decided, rows
  /// past a stop turned into not_run rows (fill values).
  std::vector<ResultBlock> admit(ResultBlock block);
  /// Publishes every stop decided so far, and later ones as they are decided, on `board`.
  void set_board(std::shared_ptr<StopBoard> board);
  /// The stops (group, first sample past it) published since the last call, for the
  /// other ranks' boards.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> take_new_stops();
  /// Blocks held back, waiting for earlier samples of their groups.
  std::size_t num_held() const noexcept { return held_.size(); }

 private:
  std::uint64_t group_of(const TaskCoordinates& at) const noexcept;
  bool is_decided(std::uint64_t id) const noexcept;
  void finish(ResultBlock& block) const;
  void publish(std::uint64_t group, std::uint64_t stop);

  const StudyPlan& plan_;
  StopTracker tracker_;
  std::deque<ResultBlock> held_;
  std::shared_ptr<StopBoard> board_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> new_stops_;
};

/// A block of not_run rows (fill values, NaN trajectories) for the tasks of `range`.
ResultBlock not_run_block(TaskRange range, std::int64_t samples_per_task);

}  // namespace simorch::detail
