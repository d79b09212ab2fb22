#include "local_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>
#include <utility>

namespace simorch::mpi::detail {
namespace {
void set_message(TaskSummary& summary, std::string_view text) {
  const std::size_t n = std::min(text.size(), TaskSummary::message_capacity - 1);
  std::memcpy(summary.message, text.data(), n);
  summary.message[n] = '\0';
}

// Failures are data: an exception from the task becomes its status, never a lost row.
TaskSummary run_guarded(const TaskFunction& task, std::uint64_t id, TrajectoryOut out) {
  try {
    return task(id, out);
  } catch (const std::exception& e) {
    TaskSummary failed;
    failed.status = TaskStatus::error;
    set_message(failed, e.what());
    return failed;
  } catch (...) {
    TaskSummary failed;
    failed.status = TaskStatus::error;
    set_message(failed, "unknown exception");
    return failed;
  }
}
}  // namespace

LocalRunner::LocalRunner(int rank, int threads, const TaskFunction& task,
                         std::int64_t samples_per_task)
    : rank_(rank),
      threads_(threads),
      task_(task),
      samples_per_task_(samples_per_task),
      pool_(std::make_unique<WorkerPool>(threads)) {}

LocalRunner::~LocalRunner() {
  if (pool_) pool_->cancel_pending();
}

void LocalRunner::submit(TaskRange chunk) {
  auto block = std::make_unique<ResultBlock>(chunk.size(), samples_per_task_);
  ResultBlock* out = block.get();
  const int rank = rank_;
  const TaskFunction& task = task_;
  const std::uint64_t begin = chunk.begin;
  auto handle = pool_->run_chunk(chunk, [out, rank, &task, begin](std::uint64_t id, int thread) {
    const std::uint64_t slot = id - begin;
    const auto start = std::chrono::steady_clock::now();
    TaskSummary summary = run_guarded(task, id, out->trajectory(slot));
    const auto end = std::chrono::steady_clock::now();
    summary.task_id = id;
    summary.rank = rank;
    summary.thread = thread;
    summary.wall_time_s = std::chrono::duration<double>(end - start).count();
    if (summary.status == TaskStatus::pending) {
      // A task function must decide; pending would read as "never ran" and be dropped.
      summary.status = TaskStatus::error;
      set_message(summary, "task function returned status pending");
    }
    out->summaries()[slot] = summary;
  });
  in_flight_.push_back(InFlight{std::move(handle), std::move(block)});
}

std::vector<ResultBlock> LocalRunner::take_completed() {
  std::vector<ResultBlock> done;
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (!it->handle.is_done()) {
      ++it;
      continue;
    }
    if (it->handle.num_skipped() > 0 || it->handle.num_failed() > 0) it->block->compact_finished();
    done.push_back(std::move(*it->block));
    it = in_flight_.erase(it);
  }
  return done;
}

void LocalRunner::cancel() {
  pool_->cancel_pending();
}

void LocalRunner::wait(double timeout_s) {
  seen_completions_ = pool_->wait_for_completion(seen_completions_, timeout_s);
}

void LocalRunner::abandon() noexcept {
  pool_->cancel_pending();
  (void)pool_.release();  // NOLINT: intentional leak, see header
  for (auto& chunk : in_flight_) (void)chunk.block.release();
  in_flight_.clear();
}

}  // namespace simorch::mpi::detail
