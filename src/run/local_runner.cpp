#include "run/local_runner.hpp"

#include <algorithm>
#include <array>
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
/// The batch version of run_guarded: an exception fails every task of the call.
void run_batch_guarded(const BatchTaskFunction& batch, std::uint64_t first,
                       std::span<TaskSummary> summaries, std::span<const TrajectoryOut> outs) {
  try {
    batch(first, summaries, outs);
    return;
  } catch (const std::exception& e) {
    for (auto& s : summaries) {
      s = TaskSummary{};
      s.status = TaskStatus::error;
      set_message(s, e.what());
    }
  } catch (...) {
    for (auto& s : summaries) {
      s = TaskSummary{};
      s.status = TaskStatus::error;
      set_message(s, "unknown exception");
    }
  }
}

/// What the runner adds to every summary: where it ran, and never `pending`.
void stamp(TaskSummary& summary, std::uint64_t id, int rank, int thread) {
  summary.task_id = id;
  summary.rank = rank;
  summary.thread = thread;
  if (summary.status == TaskStatus::pending) {
    // A task function must decide; pending would read as "never ran" and be dropped.
    summary.status = TaskStatus::error;
    set_message(summary, "task function returned status pending");
  }
}

constexpr std::size_t max_batch_width = 64;
}  // namespace

LocalRunner::LocalRunner(int rank, int threads, TaskFunction task, std::int64_t samples_per_task,
                         const DispatchOptions& options)
    : rank_(rank),
      threads_(threads),
      task_(std::make_shared<const TaskFunction>(std::move(task))),
      samples_per_task_(samples_per_task),
      batch_task_(options.batch_task ? std::make_shared<const BatchTaskFunction>(options.batch_task)
                                     : nullptr),
      batch_tasks_per_thread_(std::make_shared<std::vector<std::atomic<std::uint64_t>>>(
          static_cast<std::size_t>(std::max(threads, 1)))),
      batch_width_(std::clamp<std::uint64_t>(options.batch_width, 1, max_batch_width)),
      pool_(std::make_unique<WorkerPool>(threads)) {}

LocalRunner::~LocalRunner() {
  if (pool_) pool_->cancel_pending();
}

void LocalRunner::submit(TaskRange chunk) {
  auto block = std::make_unique<ResultBlock>(chunk.size(), samples_per_task_);
  ResultBlock* out = block.get();
  const int rank = rank_;
  const std::uint64_t begin = chunk.begin;
  // Jobs hold the task functions by shared ownership: an abandoned pool outlives this.
  if (batch_task_ != nullptr) {
    // One pool item per group of batch_width consecutive tasks (the last may be short).
    const std::uint64_t width = batch_width_;
    const std::uint64_t end = chunk.end;
    const TaskRange groups{0, (chunk.size() + width - 1) / width};
    auto handle =
        pool_->run_chunk(groups, [out, rank, batch = batch_task_, counts = batch_tasks_per_thread_,
                                  begin, end, width](std::uint64_t group, int thread) {
          const std::uint64_t first = begin + group * width;
          const std::size_t n = std::min(width, end - first);
          std::array<TaskSummary, max_batch_width> summaries{};
          std::array<TrajectoryOut, max_batch_width> outs{};
          for (std::size_t i = 0; i < n; ++i) outs[i] = out->trajectory(first - begin + i);
          const auto start = std::chrono::steady_clock::now();
          run_batch_guarded(*batch, first, std::span(summaries.data(), n),
                            std::span<const TrajectoryOut>(outs.data(), n));
          const double share =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
              static_cast<double>(n);
          for (std::size_t i = 0; i < n; ++i) {
            TaskSummary& s = summaries[i];
            stamp(s, first + i, rank, thread);
            if (s.wall_time_s == 0) s.wall_time_s = share;
            out->summaries()[first - begin + i] = s;
          }
          (*counts)[static_cast<std::size_t>(thread)].fetch_add(n, std::memory_order_relaxed);
        });
    in_flight_.push_back(InFlight{std::move(handle), std::move(block)});
    return;
  }
  auto handle =
      pool_->run_chunk(chunk, [out, rank, task = task_, begin](std::uint64_t id, int thread) {
        const std::uint64_t slot = id - begin;
        const auto start = std::chrono::steady_clock::now();
        TaskSummary summary = run_guarded(*task, id, out->trajectory(slot));
        const auto end = std::chrono::steady_clock::now();
        stamp(summary, id, rank, thread);
        summary.wall_time_s = std::chrono::duration<double>(end - start).count();
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

std::vector<ThreadStats> LocalRunner::stats() const {
  std::vector<ThreadStats> stats = pool_->stats();
  if (batch_task_ != nullptr) {
    for (std::size_t i = 0; i < stats.size(); ++i) {
      stats[i].tasks = (*batch_tasks_per_thread_)[i].load(std::memory_order_relaxed);
    }
  }
  return stats;
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
  row.simulated = account.simulated;
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
