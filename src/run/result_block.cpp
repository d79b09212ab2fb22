#include "run/result_block.hpp"

#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "simorch/error.hpp"

namespace simorch {
namespace {
// The empty block still answers header() queries.
const WorkerHeader empty_header{WorkerEvent::results, 0, 0, 0};

std::size_t slot_doubles(std::int64_t samples) noexcept {
  return static_cast<std::size_t>(samples) * 7;  // 6 state components + 1 control
}
}  // namespace

std::size_t ResultBlock::bytes_for(std::uint64_t num_slots, std::int64_t samples) noexcept {
  return sizeof(WorkerHeader) +
         num_slots * (sizeof(TaskSummary) + slot_doubles(samples) * sizeof(double));
}

ResultBlock::ResultBlock(std::uint64_t num_slots, std::int64_t samples_per_task)
    : num_bytes_(bytes_for(num_slots, samples_per_task)) {
  data_ = std::make_unique_for_overwrite<std::byte[]>(num_bytes_);
  new (data_.get()) WorkerHeader{WorkerEvent::results, 0, num_slots, samples_per_task};
  std::uninitialized_default_construct_n(
      reinterpret_cast<TaskSummary*>(data_.get() + sizeof(WorkerHeader)), num_slots);
  // NaN marks samples a task never reached (SequentialOrchestrator's convention).
  const std::size_t n_doubles = num_slots * slot_doubles(samples_per_task);
  double* first = state_data();
  for (std::size_t i = 0; i < n_doubles; ++i) first[i] = std::numeric_limits<double>::quiet_NaN();
}

ResultBlock ResultBlock::from_bytes(std::unique_ptr<std::byte[]> bytes, std::size_t num_bytes) {
  if (num_bytes < sizeof(WorkerHeader)) {
    throw Error("result message of " + std::to_string(num_bytes) +
                " bytes is shorter than its header");
  }
  WorkerHeader h;
  std::memcpy(&h, bytes.get(), sizeof h);
  if (h.event != WorkerEvent::results || h.samples_per_task < 0 ||
      bytes_for(h.num_summaries, h.samples_per_task) != num_bytes) {
    throw Error("result message of " + std::to_string(num_bytes) +
                " bytes does not match its header (" + std::to_string(h.num_summaries) +
                " summaries)");
  }
  ResultBlock block;
  block.data_ = std::move(bytes);
  block.num_bytes_ = num_bytes;
  return block;
}

const WorkerHeader& ResultBlock::header() const noexcept {
  if (!data_) return empty_header;
  return *std::launder(reinterpret_cast<const WorkerHeader*>(data_.get()));
}

std::span<TaskSummary> ResultBlock::summaries() noexcept {
  if (!data_) return {};
  auto* first = std::launder(reinterpret_cast<TaskSummary*>(data_.get() + sizeof(WorkerHeader)));
  return {first, static_cast<std::size_t>(size())};
}

std::span<const TaskSummary> ResultBlock::summaries() const noexcept {
  if (!data_) return {};
  const auto* first =
      std::launder(reinterpret_cast<const TaskSummary*>(data_.get() + sizeof(WorkerHeader)));
  return {first, static_cast<std::size_t>(size())};
}

double* ResultBlock::state_data() const noexcept {
  return reinterpret_cast<double*>(data_.get() + sizeof(WorkerHeader) +
                                   size() * sizeof(TaskSummary));
}

double* ResultBlock::control_data() const noexcept {
  return state_data() + size() * static_cast<std::size_t>(samples_per_task()) * 6;
}

std::span<const double> ResultBlock::states() const noexcept {
  if (!data_) return {};
  return {state_data(), size() * static_cast<std::size_t>(samples_per_task()) * 6};
}

std::span<const double> ResultBlock::controls() const noexcept {
  if (!data_) return {};
  return {control_data(), size() * static_cast<std::size_t>(samples_per_task())};
}

TrajectoryOut ResultBlock::trajectory(std::uint64_t slot) noexcept {
  const auto samples = static_cast<std::size_t>(samples_per_task());
  if (samples == 0) return {};
  return {std::span<double>(state_data() + slot * samples * 6, samples * 6),
          std::span<double>(control_data() + slot * samples, samples)};
}

void ResultBlock::compact_finished() {
  if (is_empty()) return;
  const auto samples = static_cast<std::size_t>(samples_per_task());
  auto slots = summaries();
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].status != TaskStatus::pending) kept.push_back(i);
  }
  if (kept.size() == slots.size()) return;
  double* const old_states = state_data();
  double* const old_controls = control_data();
  // Every region only moves towards the front and is processed front to back, and each
  // pass reads only its own region, so no memmove overwrites data still to be read.
  for (std::size_t k = 0; k < kept.size(); ++k) slots[k] = slots[kept[k]];
  auto* h = std::launder(reinterpret_cast<WorkerHeader*>(data_.get()));
  h->num_summaries = kept.size();
  num_bytes_ = bytes_for(kept.size(), h->samples_per_task);
  if (samples == 0) return;
  double* const new_states = state_data();
  for (std::size_t k = 0; k < kept.size(); ++k) {
    std::memmove(new_states + k * samples * 6, old_states + kept[k] * samples * 6,
                 samples * 6 * sizeof(double));
  }
  double* const new_controls = control_data();
  for (std::size_t k = 0; k < kept.size(); ++k) {
    std::memmove(new_controls + k * samples, old_controls + kept[k] * samples,
                 samples * sizeof(double));
  }
}

std::span<const std::byte> ResultBlock::bytes() const noexcept {
  return {data_.get(), num_bytes_};
}

}  // namespace simorch
