#include "simorch/run/guided_scheduler.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "simorch/error.hpp"

namespace simorch::mpi {
namespace {

std::vector<TaskRange> drain(GuidedScheduler& scheduler) {
  std::vector<TaskRange> chunks;
  for (TaskRange c = scheduler.next(); !c.empty(); c = scheduler.next()) chunks.push_back(c);
  return chunks;
}

TEST(GuidedScheduler, hands_out_every_task_once_in_order) {
  GuidedScheduler scheduler({{0, 1000}}, {4, 1, 4096});
  std::uint64_t expected_begin = 0;
  for (const auto& c : drain(scheduler)) {
    EXPECT_EQ(c.begin, expected_begin);
    EXPECT_GT(c.end, c.begin);
    expected_begin = c.end;
  }
  EXPECT_EQ(expected_begin, 1000u);
  EXPECT_TRUE(scheduler.is_exhausted());
  EXPECT_TRUE(scheduler.next().empty());
}

TEST(GuidedScheduler, chunk_is_remaining_over_twice_the_threads_rounded_up) {
  GuidedScheduler scheduler({{0, 1000}}, {4, 1, 4096});
  EXPECT_EQ(scheduler.next().size(), 125u);  // ceil(1000 / 8)
  EXPECT_EQ(scheduler.next().size(), 110u);  // ceil(875 / 8)
  EXPECT_EQ(scheduler.remaining(), 765u);
}

TEST(GuidedScheduler, chunks_shrink_to_min_chunk_at_the_tail) {
  GuidedScheduler scheduler({{0, 10000}}, {2, 3, 4096});
  const auto chunks = drain(scheduler);
  for (std::size_t i = 1; i < chunks.size(); ++i) EXPECT_LE(chunks[i].size(), chunks[i - 1].size());
  EXPECT_EQ(chunks.front().size(), 2500u);
  // Only the very last chunk may be smaller than min_chunk (fewer tasks were left).
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) EXPECT_GE(chunks[i].size(), 3u);
}

TEST(GuidedScheduler, max_chunk_caps_early_chunks) {
  GuidedScheduler scheduler({{0, 1000000}}, {1, 1, 100});
  EXPECT_EQ(scheduler.next().size(), 100u);
  EXPECT_EQ(scheduler.next_chunk_size(), 100u);
}

TEST(GuidedScheduler, never_crosses_a_gap_between_pending_ranges) {
  GuidedScheduler scheduler({{0, 5}, {10, 12}, {20, 100}}, {1, 50, 4096});
  const auto chunks = drain(scheduler);
  ASSERT_GE(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].begin, 0u);
  EXPECT_EQ(chunks[0].end, 5u);
  EXPECT_EQ(chunks[1].begin, 10u);
  EXPECT_EQ(chunks[1].end, 12u);
  std::uint64_t covered = 0;
  for (const auto& c : chunks) {
    const bool inside =
        c.end <= 5 || (c.begin >= 10 && c.end <= 12) || (c.begin >= 20 && c.end <= 100);
    EXPECT_TRUE(inside) << c.begin << ".." << c.end;
    covered += c.size();
  }
  EXPECT_EQ(covered, 5u + 2u + 80u);
}

TEST(GuidedScheduler, clear_leaves_the_rest_pending) {
  GuidedScheduler scheduler({{0, 100}}, {1, 1, 10});
  (void)scheduler.next();
  scheduler.clear();
  EXPECT_TRUE(scheduler.is_exhausted());
  EXPECT_TRUE(scheduler.next().empty());
}

TEST(GuidedScheduler, empty_and_nothing_pending) {
  GuidedScheduler scheduler({{5, 5}}, {1, 1, 10});
  EXPECT_TRUE(scheduler.is_exhausted());
  EXPECT_EQ(scheduler.next_chunk_size(), 0u);
}

TEST(GuidedScheduler, rejects_bad_chunk_bounds_with_the_key) {
  try {
    GuidedScheduler({{0, 10}}, {1, 0, 10});
    FAIL() << "min_chunk 0 accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "execution.min_chunk");
  }
  try {
    GuidedScheduler({{0, 10}}, {1, 8, 4});
    FAIL() << "max_chunk < min_chunk accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "execution.max_chunk");
    EXPECT_EQ(e.value(), "4");
  }
  EXPECT_THROW(GuidedScheduler({{10, 20}, {0, 5}}, {1, 1, 4}), std::invalid_argument);
}

}  // namespace
}  // namespace simorch::mpi
