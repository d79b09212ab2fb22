#include "simorch/run/stop_gate.hpp"

#include <algorithm>
#include <limits>

#include "simorch/io/batch_schema.hpp"

namespace simorch::detail {

StopGate::StopGate(const StudyPlan& plan)
    : plan_(plan),
      tracker_(plan.base().monte_carlo.stop, is_active() ? plan.num_groups() : 0,
               plan.num_samples()) {}

std::uint64_t StopGate::group_of(const TaskCoordinates& at) const noexcept {
  return at.case_index * plan_.num_points() + at.point;
}

void StopGate::record_done(std::uint64_t id, TaskStatus status, bool is_success) {
  if (!is_active() || status == TaskStatus::pending || status == TaskStatus::not_run) return;
  const TaskCoordinates at = plan_.coordinates(id);
  tracker_.record(group_of(at), at.sample, is_success);
}

bool StopGate::is_needed(std::uint64_t id) const noexcept {
  if (!is_active()) return true;
  const TaskCoordinates at = plan_.coordinates(id);
  return tracker_.is_needed(group_of(at), at.sample);
}

// Kept or not_run is final once the group has stopped, or once every earlier sample of the
// group has finished without a stop (a later stop can only lie beyond this sample).
bool StopGate::is_decided(std::uint64_t id) const noexcept {
  const TaskCoordinates at = plan_.coordinates(id);
  const std::uint64_t group = group_of(at);
  return tracker_.stop_point(group).has_value() || at.sample < tracker_.prefix(group);
}

void StopGate::finish(ResultBlock& block) const {
  auto summaries = block.summaries();
  for (std::uint64_t slot = 0; slot < summaries.size(); ++slot) {
    TaskSummary& s = summaries[slot];
    if (is_needed(s.task_id)) continue;
    s = filled_summary(s.task_id, TaskStatus::not_run);
    const TrajectoryOut out = block.trajectory(slot);
    std::fill(out.state.begin(), out.state.end(), std::numeric_limits<double>::quiet_NaN());
    std::fill(out.control.begin(), out.control.end(), std::numeric_limits<double>::quiet_NaN());
  }
}

std::vector<ResultBlock> StopGate::admit(ResultBlock block) {
  std::vector<ResultBlock> ready;
  if (!is_active()) {
    ready.push_back(std::move(block));
    return ready;
  }
  for (const TaskSummary& s : block.summaries()) {
    if (s.status == TaskStatus::pending) continue;  // a cancelled slot (compacted away)
    const TaskCoordinates at = plan_.coordinates(s.task_id);
    tracker_.record(group_of(at), at.sample, s.success != 0);
  }
  held_.push_back(std::move(block));
  // Release every block whose rows are all decided; the rest wait for earlier samples.
  std::deque<ResultBlock> still;
  for (ResultBlock& held : held_) {
    const auto rows = held.summaries();
    const bool is_ready = std::all_of(rows.begin(), rows.end(),
                                      [&](const TaskSummary& s) { return is_decided(s.task_id); });
    if (is_ready) {
      finish(held);
      ready.push_back(std::move(held));
    } else {
      still.push_back(std::move(held));
    }
  }
  held_ = std::move(still);
  return ready;
}

ResultBlock not_run_block(TaskRange range, std::int64_t samples_per_task) {
  ResultBlock block(range.size(), samples_per_task);  // trajectories start NaN
  auto summaries = block.summaries();
  for (std::uint64_t i = 0; i < range.size(); ++i) {
    summaries[i] = filled_summary(range.begin + i, TaskStatus::not_run);
  }
  return block;
}

}  // namespace simorch::detail
