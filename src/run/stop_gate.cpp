#include "run/stop_gate.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "simorch/io/batch_schema.hpp"

namespace simorch::detail {

StopBoard::StopBoard(std::uint64_t num_groups)
    : stops_(std::make_unique<std::atomic<std::uint64_t>[]>(num_groups)) {
  for (std::uint64_t g = 0; g < num_groups; ++g) {
    stops_[g].store(std::numeric_limits<std::uint64_t>::max(), std::memory_order_relaxed);
  }
}

void StopBoard::set(std::uint64_t group, std::uint64_t stop) noexcept {
  stops_[group].store(stop, std::memory_order_relaxed);
}

bool StopBoard::is_past(std::uint64_t group, std::uint64_t sample) const noexcept {
  return sample >= stops_[group].load(std::memory_order_relaxed);
}

StopGate::StopGate(const StudyPlan& plan)
    : plan_(plan),
      tracker_(plan.base().monte_carlo.stop, is_active() ? plan.num_groups() : 0,
               plan.num_samples()) {}

std::uint64_t StopGate::group_of(const TaskCoordinates& at) const noexcept {
  return at.case_index * plan_.num_points() + at.point;
}

void StopGate::record_done(std::uint64_t id, TaskStatus status, bool is_success) {
  if (!is_active() || !is_simulated(status)) return;
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

void StopGate::publish(std::uint64_t group, std::uint64_t stop) {
  if (board_) board_->set(group, stop);
  new_stops_.emplace_back(group, stop);
}

void StopGate::set_board(std::shared_ptr<StopBoard> board) {
  board_ = std::move(board);
  if (!is_active()) return;
  for (std::uint64_t g = 0; g < plan_.num_groups(); ++g) {
    if (const auto stop = tracker_.stop_point(g)) publish(g, *stop);
  }
}

std::vector<std::pair<std::uint64_t, std::uint64_t>> StopGate::take_new_stops() {
  return std::exchange(new_stops_, {});
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
    const std::uint64_t group = group_of(at);
    const bool was_open = !tracker_.stop_point(group).has_value();
    tracker_.record(group, at.sample, s.success != 0);
    if (!was_open) continue;
    if (const auto stop = tracker_.stop_point(group)) publish(group, *stop);
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
