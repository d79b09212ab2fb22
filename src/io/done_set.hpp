#pragma once

// Which tasks a batch file already holds: one bit per task, so the writer's memory does
// not grow with the number of tasks beyond M/8 bytes.

#include <cstdint>
#include <vector>

#include "simorch/study/make_task.hpp"

namespace simorch::io_detail {

class DoneSet {
 public:
  explicit DoneSet(std::uint64_t n_tasks) : n_tasks_(n_tasks), words_((n_tasks + 63) / 64, 0) {}

  bool contains(std::uint64_t id) const noexcept {
    return ((words_[id / 64] >> (id % 64)) & 1u) != 0;
  }
  /// Marks `id` done; it must not be done yet.
  void insert(std::uint64_t id) noexcept {
    words_[id / 64] |= std::uint64_t{1} << (id % 64);
    ++count_;
  }
  std::uint64_t count() const noexcept { return count_; }
  bool is_full() const noexcept { return count_ == n_tasks_; }
  /// The bitset words, for a bulk load from /results/status; call recount() afterwards.
  std::vector<std::uint64_t>& words() noexcept { return words_; }
  void recount() noexcept;
  /// Tasks not done, as sorted disjoint ranges.
  std::vector<TaskRange> pending() const;

 private:
  std::uint64_t n_tasks_;
  std::vector<std::uint64_t> words_;
  std::uint64_t count_ = 0;
};

}  // namespace simorch::io_detail
