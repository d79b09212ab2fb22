#include "done_set.hpp"

#include <bit>

namespace simorch::io_detail {

void DoneSet::recount() noexcept {
  count_ = 0;
  for (const auto word : words_) {
    count_ += static_cast<std::uint64_t>(std::popcount(word));
  }
}

std::vector<TaskRange> DoneSet::pending() const {
  std::vector<TaskRange> out;
  std::uint64_t id = 0;
  while (id < n_tasks_) {
    // Skip whole words of done tasks: pending() is called once per segment on up to
    // millions of tasks.
    if (id % 64 == 0 && words_[id / 64] == ~std::uint64_t{0}) {
      id += 64;
      continue;
    }
    if (contains(id)) {
      ++id;
      continue;
    }
    const std::uint64_t begin = id;
    while (id < n_tasks_ && !contains(id)) {
      ++id;
    }
    if (!out.empty() && out.back().end == begin) {
      out.back().end = id;
    } else {
      out.push_back({begin, id});
    }
  }
  return out;
}

}  // namespace simorch::io_detail
