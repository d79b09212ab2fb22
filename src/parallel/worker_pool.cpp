#include "simorch/parallel/worker_pool.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>

#include "simorch/error.hpp"

namespace simorch {

namespace {

thread_local int t_thread_index = -1;
thread_local const WorkerPool* t_pool = nullptr;

std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double to_seconds(std::int64_t ns) noexcept {
  return static_cast<double>(ns) * 1e-9;
}

std::chrono::nanoseconds to_duration(double seconds) {
  // Clamp so that a huge timeout cannot overflow the clock arithmetic of wait_for.
  const double clamped = std::clamp(seconds, 0.0, 1e9);
  return std::chrono::nanoseconds(static_cast<std::int64_t>(clamped * 1e9));
}

}  // namespace

namespace parallel_detail {

/// One queued index range and its progress; shared by the queue, the workers running it
/// and every ChunkHandle.
struct ChunkState {
  ChunkState(WorkerPool* owner, TaskRange r, WorkerPool::ItemFunction item,
             WorkerPool::DoneFunction done)
      : pool(owner), range(r), fn(std::move(item)), on_done(std::move(done)) {}

  WorkerPool* pool;
  TaskRange range;
  WorkerPool::ItemFunction fn;
  WorkerPool::DoneFunction on_done;

  std::atomic<std::uint64_t> next{0};       // offset of the next unclaimed index
  std::atomic<std::uint64_t> accounted{0};  // finished + skipped
  std::atomic<std::uint64_t> finished{0};
  std::atomic<std::uint64_t> skipped{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<bool> is_cancelled{false};
  std::atomic<bool> is_done{false};

  std::mutex mutex;
  std::condition_variable done_cv;
  std::exception_ptr error;  // guarded by mutex

  std::uint64_t size() const noexcept { return range.size(); }

  std::uint64_t num_unstarted() const noexcept {
    const auto claimed = std::min(next.load(std::memory_order_relaxed), size());
    return size() - claimed;
  }

  void record_error(std::exception_ptr e) {
    std::lock_guard lock(mutex);
    if (!error) error = std::move(e);
  }

  /// Adds `count` finished or skipped indices; the call that accounts for the last one
  /// completes the chunk.
  void account(std::uint64_t count) {
    if (accounted.fetch_add(count, std::memory_order_acq_rel) + count == size()) complete();
  }

  void complete() {
    if (on_done) {
      try {
        on_done();
      } catch (...) {
        record_error(std::current_exception());
      }
    }
    // Every index is accounted for, so nobody calls fn any more: release what it captured
    // now (a submitted task's promise breaks here when it was skipped).
    fn = nullptr;
    on_done = nullptr;
    {
      std::lock_guard lock(mutex);
      is_done.store(true, std::memory_order_release);
    }
    done_cv.notify_all();
    pool->notify_chunk_completed();
  }
};

}  // namespace parallel_detail

void parallel_detail::throw_nested_map_ordered() {
  throw Error(
      "WorkerPool::map_ordered called from one of the pool's own threads; it would wait for "
      "work queued behind itself");
}

// ---- ChunkHandle --------------------------------------------------------------------

TaskRange ChunkHandle::range() const noexcept {
  return state_->range;
}

bool ChunkHandle::is_done() const noexcept {
  return state_->is_done.load(std::memory_order_acquire);
}

void ChunkHandle::wait() const {
  std::unique_lock lock(state_->mutex);
  state_->done_cv.wait(lock, [this] { return state_->is_done.load(std::memory_order_acquire); });
}

bool ChunkHandle::wait_for(double timeout_s) const {
  std::unique_lock lock(state_->mutex);
  return state_->done_cv.wait_for(lock, to_duration(timeout_s), [this] {
    return state_->is_done.load(std::memory_order_acquire);
  });
}

std::uint64_t ChunkHandle::num_finished() const noexcept {
  return state_->finished.load(std::memory_order_acquire);
}

std::uint64_t ChunkHandle::num_skipped() const noexcept {
  return state_->skipped.load(std::memory_order_acquire);
}

std::uint64_t ChunkHandle::num_failed() const noexcept {
  return state_->failed.load(std::memory_order_acquire);
}

void ChunkHandle::cancel() const noexcept {
  state_->is_cancelled.store(true, std::memory_order_relaxed);
}

std::exception_ptr ChunkHandle::error() const {
  std::lock_guard lock(state_->mutex);
  return state_->error;
}

void ChunkHandle::get() const {
  wait();
  if (auto e = error()) std::rethrow_exception(e);
}

// ---- WorkerPool ---------------------------------------------------------------------

/// Counters of one thread; written by that thread only, read by stats(). Padded to a cache
/// line so that threads bumping their own counters do not slow each other down.
struct alignas(64) WorkerPool::PerThread {
  std::atomic<std::uint64_t> tasks{0};
  std::atomic<std::int64_t> busy_ns{0};
  std::int64_t idle_ns = 0;           // guarded by mutex_
  std::int64_t asleep_since_ns = -1;  // guarded by mutex_; -1 while awake
};

WorkerPool::WorkerPool(int num_threads) {
  if (num_threads < 0) {
    throw ConfigError("threads", std::to_string(num_threads),
                      "a thread count >= 0 (0: one per core)");
  }
  if (num_threads == 0)
    num_threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const auto count = static_cast<std::size_t>(num_threads);
  per_thread_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) per_thread_.push_back(std::make_unique<PerThread>());
  baseline_.resize(count);
  threads_.reserve(count);
  try {
    for (int i = 0; i < num_threads; ++i) threads_.emplace_back([this, i] { worker_loop(i); });
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      is_stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& t : threads_) t.join();
    throw;
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    is_stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& t : threads_) t.join();
}

bool WorkerPool::is_own_thread() const noexcept {
  return t_pool == this;
}

int WorkerPool::this_thread_index() noexcept {
  return t_thread_index;
}

ChunkHandle WorkerPool::run_chunk(TaskRange range, ItemFunction fn, DoneFunction on_done) {
  if (range.empty()) range.end = range.begin;
  auto chunk =
      std::make_shared<parallel_detail::ChunkState>(this, range, std::move(fn), std::move(on_done));
  if (range.empty()) {
    chunk->complete();
  } else {
    enqueue(chunk);
  }
  return ChunkHandle(std::move(chunk));
}

void WorkerPool::enqueue(const std::shared_ptr<parallel_detail::ChunkState>& chunk) {
  int to_wake = 0;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(chunk);
    // Wake only as many sleepers as there are indices: a one-task chunk must not stampede.
    to_wake = static_cast<int>(
        std::min<std::uint64_t>(static_cast<std::uint64_t>(num_sleeping_), chunk->size()));
  }
  if (to_wake >= num_threads()) {
    work_ready_.notify_all();
  } else {
    for (int i = 0; i < to_wake; ++i) work_ready_.notify_one();
  }
}

void WorkerPool::worker_loop(int index) {
  t_pool = this;
  t_thread_index = index;
  PerThread& me = *per_thread_[static_cast<std::size_t>(index)];

  std::unique_lock lock(mutex_);
  for (;;) {
    if (queue_.empty()) {
      if (is_stopping_) return;
      ++num_sleeping_;
      me.asleep_since_ns = now_ns();
      work_ready_.wait(lock, [this] { return !queue_.empty() || is_stopping_; });
      me.idle_ns += now_ns() - me.asleep_since_ns;
      me.asleep_since_ns = -1;
      --num_sleeping_;
      continue;
    }
    const std::shared_ptr<parallel_detail::ChunkState> chunk = queue_.front();
    lock.unlock();

    parallel_detail::ChunkState& c = *chunk;
    const std::uint64_t size = c.size();
    std::int64_t t0 = now_ns();
    for (;;) {
      if (c.is_cancelled.load(std::memory_order_relaxed)) {
        // Claim everything left in one step so that the chunk completes at once.
        const std::uint64_t old = c.next.exchange(size, std::memory_order_relaxed);
        if (old < size) {
          c.skipped.fetch_add(size - old, std::memory_order_relaxed);
          c.account(size - old);
        }
        break;
      }
      const std::uint64_t i = c.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= size) break;
      try {
        c.fn(c.range.begin + i, index);
      } catch (...) {
        c.failed.fetch_add(1, std::memory_order_relaxed);
        c.record_error(std::current_exception());
      }
      c.finished.fetch_add(1, std::memory_order_release);
      // Owner-only counters: a load and a store are enough, and cheaper than an RMW.
      const std::int64_t t1 = now_ns();
      me.busy_ns.store(me.busy_ns.load(std::memory_order_relaxed) + (t1 - t0),
                       std::memory_order_relaxed);
      me.tasks.store(me.tasks.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      c.account(1);
      t0 = now_ns();
    }

    lock.lock();
    // Every index of this chunk is claimed: later threads go straight to the next chunk.
    if (!queue_.empty() && queue_.front() == chunk) queue_.pop_front();
  }
}

void WorkerPool::notify_chunk_completed() {
  {
    std::lock_guard lock(mutex_);
    ++completed_chunks_;
  }
  chunk_completed_.notify_all();
}

void WorkerPool::cancel_pending() noexcept {
  std::lock_guard lock(mutex_);
  for (const auto& chunk : queue_) chunk->is_cancelled.store(true, std::memory_order_relaxed);
}

std::uint64_t WorkerPool::num_unstarted_items() const noexcept {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& chunk : queue_) total += chunk->num_unstarted();
  return total;
}

std::uint64_t WorkerPool::num_completed_chunks() const noexcept {
  std::lock_guard lock(mutex_);
  return completed_chunks_;
}

std::uint64_t WorkerPool::wait_for_completion(std::uint64_t seen, double timeout_s) const {
  std::unique_lock lock(mutex_);
  chunk_completed_.wait_for(lock, to_duration(timeout_s), [&] { return completed_chunks_ > seen; });
  return completed_chunks_;
}

std::vector<ThreadStats> WorkerPool::stats() const {
  std::lock_guard lock(mutex_);
  const std::int64_t now = now_ns();
  std::vector<ThreadStats> out(per_thread_.size());
  for (std::size_t i = 0; i < per_thread_.size(); ++i) {
    const PerThread& t = *per_thread_[i];
    std::int64_t idle = t.idle_ns;
    if (t.asleep_since_ns >= 0) idle += now - t.asleep_since_ns;
    out[i].tasks = t.tasks.load(std::memory_order_relaxed) - baseline_[i].tasks;
    out[i].busy_s = to_seconds(t.busy_ns.load(std::memory_order_relaxed)) - baseline_[i].busy_s;
    out[i].idle_s = to_seconds(idle) - baseline_[i].idle_s;
  }
  return out;
}

void WorkerPool::reset_stats() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = now_ns();
  for (std::size_t i = 0; i < per_thread_.size(); ++i) {
    const PerThread& t = *per_thread_[i];
    std::int64_t idle = t.idle_ns;
    if (t.asleep_since_ns >= 0) idle += now - t.asleep_since_ns;
    baseline_[i] = {t.tasks.load(std::memory_order_relaxed),
                    to_seconds(t.busy_ns.load(std::memory_order_relaxed)), to_seconds(idle)};
  }
}

}  // namespace simorch
