// The writer's HDF5 stage: blocks are written in the order they were queued, drain()
// waits for all of them, and a failed write surfaces in the caller and stops the stage.
#include "row_write_stage.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "simorch/sim/task.hpp"

namespace simorch::io_detail {
namespace {

// Queues blocks holding tasks 0, 1, 2, … (one task each).
void queue_task(RowWriteStage& stage, std::uint64_t id) {
  PendingRows& rows = stage.next_free();
  TaskSummary s;
  s.task_id = id;
  rows.block.assign(&s, 1);
  stage.submit();
}

TEST(RowWriteStage, writes_every_queued_block_in_order) {
  std::vector<std::uint64_t> written;
  RowWriteStage stage([&](PendingRows& rows) { written.push_back(rows.block.runs()[0].first); });
  for (std::uint64_t id = 0; id < 50; ++id) queue_task(stage, id);
  stage.drain();
  ASSERT_EQ(written.size(), 50u);
  for (std::uint64_t id = 0; id < 50; ++id) EXPECT_EQ(written[id], id);
}

TEST(RowWriteStage, a_failed_write_is_thrown_to_the_caller_and_nothing_follows_it) {
  std::vector<std::uint64_t> written;
  RowWriteStage stage([&](PendingRows& rows) {
    const std::uint64_t id = rows.block.runs()[0].first;
    if (id == 3) throw std::runtime_error("disk full");
    written.push_back(id);
  });
  bool is_thrown = false;
  try {
    for (std::uint64_t id = 0; id < 20; ++id) queue_task(stage, id);
    stage.drain();
  } catch (const std::runtime_error& e) {
    is_thrown = std::string(e.what()) == "disk full";
  }
  EXPECT_TRUE(is_thrown);
  EXPECT_THROW(stage.drain(), std::runtime_error);  // and again: the stage stays failed
  EXPECT_EQ(written, (std::vector<std::uint64_t>{0, 1, 2}));
}

TEST(RowWriteStage, destruction_writes_what_is_queued) {
  std::vector<std::uint64_t> written;
  {
    RowWriteStage stage([&](PendingRows& rows) { written.push_back(rows.block.runs()[0].first); });
    for (std::uint64_t id = 0; id < 3; ++id) queue_task(stage, id);
  }
  EXPECT_EQ(written, (std::vector<std::uint64_t>{0, 1, 2}));
}

}  // namespace
}  // namespace simorch::io_detail
