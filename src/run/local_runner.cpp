#include "simorch/run/local_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>
#include <utility>

namespace simorch::detail {
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

LocalRunner::LocalRunner(int rank, int threads, TaskFunction task, std::int64_t samples_per_task)
    : rank_(rank),
      threads_(threads),
      task_(std::make_shared<const TaskFunction>(std::move(task))),
      samples_per_task_(samples_per_task),
      pool_(std::make_unique<WorkerPool>(threads)) {}

LocalRunner::~LocalRunner() {
  if (pool_) pool_->cancel_pending();
}

void LocalRunner::submit(TaskRange chunk) {
  auto block = std::make_unique<ResultBlock>(chunk.size(), samples_per_task_);
  ResultBlock* out = block.get();
  const int rank = rank_;
  const std::uint64_t begin = chunk.begin;
  // The job holds the task function by shared ownership: an abandoned pool outlives this.
  auto handle =
      pool_->run_chunk(chunk, [out, rank, task = task_, begin](std::uint64_t id, int thread) {
        const std::uint64_t slot = id - begin;
        const auto start = std::chrono::steady_clock::now();
        TaskSummary summary = run_guarded(*task, id, out->trajectory(slot));
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

RankTiming rank_timing(const LocalRunner& local, int rank, const RankAccount& account,
                       double comm_s, std::string host) {
  RankTiming row;
  row.rank = rank;
  row.host = std::move(host);
  row.threads = local.threads();
  row.tasks = account.tasks;
  for (const auto& s : local.stats()) {
    row.compute_s += s.busy_s;
    row.idle_s += s.idle_s;
  }
  row.comm_s = comm_s;
  row.wall_s = account.wall_s;
  return row;
}

std::vector<ThreadTiming> thread_timing(const LocalRunner& local, int rank) {
  const auto stats = local.stats();
  std::vector<ThreadTiming> rows;
  rows.reserve(stats.size());
  for (std::size_t i = 0; i < stats.size(); ++i) {
    rows.push_back(
        ThreadTiming{rank, static_cast<std::int32_t>(i), stats[i].tasks, stats[i].busy_s});
  }
  return rows;
}

}  // namespace simorch::detail
