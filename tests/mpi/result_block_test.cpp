#include "run/result_block.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "simorch/error.hpp"

namespace simorch::mpi {
namespace {

void fill(ResultBlock& block, std::uint64_t slot, std::uint64_t id) {
  block.summaries()[slot].task_id = id;
  block.summaries()[slot].status = TaskStatus::completed;
  auto out = block.trajectory(slot);
  for (std::size_t k = 0; k < out.state.size(); ++k)
    out.state[k] = static_cast<double>(id) + 0.001 * static_cast<double>(k);
  for (std::size_t k = 0; k < out.control.size(); ++k)
    out.control[k] = -static_cast<double>(id) - 0.001 * static_cast<double>(k);
}

TEST(ResultBlock, fresh_block_has_pending_slots_and_nan_trajectories) {
  ResultBlock block(3, 4);
  ASSERT_EQ(block.size(), 3u);
  for (const auto& s : block.summaries()) EXPECT_EQ(s.status, TaskStatus::pending);
  ASSERT_EQ(block.states().size(), 3u * 4 * 6);
  ASSERT_EQ(block.controls().size(), 3u * 4);
  for (double v : block.states()) EXPECT_TRUE(std::isnan(v));
  EXPECT_EQ(block.bytes().size(), ResultBlock::bytes_for(3, 4));
}

TEST(ResultBlock, compact_keeps_finished_slots_with_their_trajectories) {
  ResultBlock block(5, 3);
  fill(block, 1, 11);
  fill(block, 3, 13);
  fill(block, 4, 14);
  block.compact_finished();
  ASSERT_EQ(block.size(), 3u);
  EXPECT_EQ(block.bytes().size(), ResultBlock::bytes_for(3, 3));
  const std::uint64_t ids[] = {11, 13, 14};
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(block.summaries()[k].task_id, ids[k]);
    const auto id = static_cast<double>(ids[k]);
    EXPECT_EQ(block.states()[k * 18], id);
    EXPECT_EQ(block.states()[k * 18 + 17], id + 0.017);
    EXPECT_EQ(block.controls()[k * 3], -id);
    EXPECT_EQ(block.controls()[k * 3 + 2], -id - 0.002);
  }
}

TEST(ResultBlock, round_trips_through_bytes) {
  ResultBlock block(2, 2);
  fill(block, 0, 7);
  fill(block, 1, 8);
  const auto bytes = block.bytes();
  auto copy = std::make_unique<std::byte[]>(bytes.size());
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  const auto received = ResultBlock::from_bytes(std::move(copy), bytes.size());
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received.summaries()[1].task_id, 8u);
  EXPECT_EQ(received.controls()[3], -8.001);
}

TEST(ResultBlock, rejects_a_truncated_message) {
  ResultBlock block(2, 2);
  const auto bytes = block.bytes();
  auto copy = std::make_unique<std::byte[]>(bytes.size());
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  EXPECT_THROW((void)ResultBlock::from_bytes(std::move(copy), bytes.size() - 8), Error);
}

TEST(ResultBlock, summaries_only_block_has_no_trajectory) {
  ResultBlock block(4, 0);
  EXPECT_TRUE(block.trajectory(2).state.empty());
  EXPECT_TRUE(block.states().empty());
  block.summaries()[2].status = TaskStatus::diverged;
  block.compact_finished();
  ASSERT_EQ(block.size(), 1u);
  EXPECT_EQ(block.summaries()[0].status, TaskStatus::diverged);
}

}  // namespace
}  // namespace simorch::mpi
