#include "simorch/parallel/batch_result_container.hpp"

#include <cstddef>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace simorch {

namespace {
void throw_out_of_range(std::size_t i, std::size_t size) {
  throw std::out_of_range("BatchResultContainer: task index " + std::to_string(i) +
                          " is out of range (size " + std::to_string(size) + ")");
}
}  // namespace

BatchResultContainer::BatchResultContainer(std::size_t num_tasks, std::size_t num_samples,
                                           double sample_interval_s)
    : num_samples_(num_samples),
      sample_interval_s_(sample_interval_s),
      summaries_(num_tasks),
      // NaN until written: a slot nobody filled must not look like a trajectory at rest.
      states_(num_tasks * num_samples * 6, std::numeric_limits<double>::quiet_NaN()),
      controls_(num_tasks * num_samples, std::numeric_limits<double>::quiet_NaN()) {
  for (auto& s : summaries_) std::memset(static_cast<void*>(&s), 0, sizeof s);  // padding too
  for (std::size_t i = 0; i < num_tasks; ++i) {
    summaries_[i].task_id = i;
    summaries_[i].rank = -1;
    summaries_[i].thread = -1;
    summaries_[i].status = TaskStatus::pending;
  }
}

void BatchResultContainer::check_index(std::size_t i) const {
  if (i >= size()) throw_out_of_range(i, size());
}

std::span<const double> BatchResultContainer::state_trajectory(std::size_t i) const {
  check_index(i);
  return std::span<const double>(states_).subspan(i * num_samples_ * 6, num_samples_ * 6);
}

std::span<const double> BatchResultContainer::control_trajectory(std::size_t i) const {
  check_index(i);
  return std::span<const double>(controls_).subspan(i * num_samples_, num_samples_);
}

std::vector<double> BatchResultContainer::sample_times() const {
  std::vector<double> times(num_samples_);
  // k·interval rather than a running sum, so sample k's time has no accumulated rounding.
  for (std::size_t k = 0; k < num_samples_; ++k) {
    times[k] = static_cast<double>(k) * sample_interval_s_;
  }
  return times;
}

std::size_t BatchResultContainer::count(TaskStatus status) const noexcept {
  std::size_t n = 0;
  for (const auto& s : summaries_) n += s.status == status ? 1U : 0U;
  return n;
}

std::array<std::size_t, task_status_count> BatchResultContainer::status_counts() const noexcept {
  std::array<std::size_t, task_status_count> counts{};
  for (const auto& s : summaries_) {
    const auto index = static_cast<std::size_t>(s.status);
    if (index < counts.size()) ++counts[index];
  }
  return counts;
}

std::size_t BatchResultContainer::num_successful() const noexcept {
  std::size_t n = 0;
  for (const auto& s : summaries_) n += s.success != 0 ? 1U : 0U;
  return n;
}

std::vector<std::size_t> BatchResultContainer::failed_indices() const {
  std::vector<std::size_t> failed;
  for (std::size_t i = 0; i < summaries_.size(); ++i) {
    if (summaries_[i].status != TaskStatus::completed) failed.push_back(i);
  }
  return failed;
}

TrajectoryOut BatchResultContainer::trajectory_slot(std::size_t i) noexcept {
  if (num_samples_ == 0) return {};
  return {std::span<double>(states_).subspan(i * num_samples_ * 6, num_samples_ * 6),
          std::span<double>(controls_).subspan(i * num_samples_, num_samples_)};
}

void BatchResultContainer::set_summary(std::size_t i, const TaskSummary& summary) noexcept {
  TaskSummary& slot = summaries_[i];
  std::memcpy(static_cast<void*>(&slot), &summary, sizeof slot);
  // The bytes after the message's NUL and the struct's tail padding carry no result but
  // may hold whatever the producer's stack held: zero them so memcmp compares results.
  slot.message[TaskSummary::message_capacity - 1] = '\0';
  const std::size_t length = std::strlen(slot.message);
  std::memset(slot.message + length, 0, TaskSummary::message_capacity - length);
  constexpr std::size_t end_of_fields =
      offsetof(TaskSummary, message) + TaskSummary::message_capacity;
  static_assert(end_of_fields <= sizeof(TaskSummary));
  std::memset(reinterpret_cast<unsigned char*>(&slot) + end_of_fields, 0,
              sizeof(TaskSummary) - end_of_fields);
}

}  // namespace simorch
