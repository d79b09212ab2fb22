#include "simorch/run/guided_scheduler.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "simorch/error.hpp"

namespace simorch {

GuidedScheduler::GuidedScheduler(std::vector<TaskRange> pending, GuidedSchedule schedule)
    : schedule_(schedule) {
  if (schedule_.min_chunk == 0) {
    throw ConfigError("execution.min_chunk", "0", "an integer >= 1");
  }
  if (schedule_.max_chunk < schedule_.min_chunk) {
    throw ConfigError(
        "execution.max_chunk", std::to_string(schedule_.max_chunk),
        "an integer >= execution.min_chunk (" + std::to_string(schedule_.min_chunk) + ")");
  }
  schedule_.total_threads = std::max<std::uint64_t>(schedule_.total_threads, 1);
  std::erase_if(pending, [](const TaskRange& r) { return r.empty(); });
  for (std::size_t i = 1; i < pending.size(); ++i) {
    if (pending[i].begin < pending[i - 1].end) {
      throw std::invalid_argument("GuidedScheduler: pending ranges must be sorted and disjoint");
    }
  }
  for (const auto& r : pending) remaining_ += r.size();
  ranges_ = std::move(pending);
}

std::uint64_t GuidedScheduler::next_chunk_size() const noexcept {
  if (remaining_ == 0) return 0;
  const std::uint64_t divisor = 2 * schedule_.total_threads;
  const std::uint64_t guided = (remaining_ + divisor - 1) / divisor;
  const std::uint64_t size = std::clamp(guided, schedule_.min_chunk, schedule_.max_chunk);
  const std::uint64_t granule = std::max<std::uint64_t>(schedule_.granule, 1);
  const std::uint64_t whole = (size + granule - 1) / granule * granule;
  return whole <= schedule_.max_chunk ? whole : size;
}

void GuidedScheduler::skip_unneeded() {
  while (remaining_ > 0) {
    TaskRange& range = ranges_[current_];
    std::uint64_t begin = range.begin;
    while (begin < range.end && !is_needed_(begin)) ++begin;
    if (begin > range.begin) {
      skipped_.push_back({range.begin, begin});
      remaining_ -= begin - range.begin;
      range.begin = begin;
    }
    if (!range.empty()) return;
    ++current_;
  }
}

TaskRange GuidedScheduler::next() {
  if (is_needed_) skip_unneeded();
  if (remaining_ == 0) return {};
  TaskRange& range = ranges_[current_];
  const std::uint64_t size = std::min(next_chunk_size(), range.size());
  TaskRange chunk{range.begin, range.begin + size};
  range.begin += size;
  remaining_ -= size;
  if (range.empty()) ++current_;
  if (is_needed_) {
    // The first task is needed (skip_unneeded); unneeded ones at the end never run.
    std::uint64_t end = chunk.end;
    while (end > chunk.begin + 1 && !is_needed_(end - 1)) --end;
    if (end < chunk.end) skipped_.push_back({end, chunk.end});
    chunk.end = end;
  }
  return chunk;
}

void GuidedScheduler::clear() noexcept {
  current_ = ranges_.size();
  remaining_ = 0;
}

}  // namespace simorch
