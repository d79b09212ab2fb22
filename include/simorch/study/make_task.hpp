#pragma once

#include <cstdint>

#include "simorch/sim/task.hpp"
#include "simorch/study/study.hpp"

namespace simorch {

/// Half-open range of task ids [begin, end).
struct TaskRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t size() const noexcept { return end - begin; }
  bool empty() const noexcept { return end <= begin; }
};

/// Task `id` of `study`: initial state and parameters drawn from a Philox4x64 stream keyed
/// by (study seed, id) and nothing else, so the result is the same on every rank and
/// thread and after any resume. Thread-safe. Precondition: id < study.num_tasks().
TaskSpec make_task(const Study& study, std::uint64_t id);

}  // namespace simorch
