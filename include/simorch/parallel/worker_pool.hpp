#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "simorch/study/make_task.hpp"

/// @file
/// A fixed-size thread pool for independent work items, with per-thread accounting.
///
/// Work is queued in *chunks*: a contiguous index range [begin, end) and a function called
/// once per index. The pool's threads take the oldest chunk that still has unstarted
/// indices and claim its indices one by one from an atomic counter (dynamic
/// self-scheduling), so a slow index never holds up the others and a newly queued chunk
/// starts the moment the previous one has no unclaimed index left: a caller that queues
/// chunk N+1 while chunk N runs keeps every thread busy. submit() and map_ordered() are
/// thin layers over the same queue.
///
/// Example: a communication thread that feeds ranges of tasks and sleeps while they run.
/// @code
///   simorch::WorkerPool pool(4);
///   auto fn = [&](std::uint64_t id, int thread) { out[id] = simulate(id, thread); };
///   std::vector<simorch::ChunkHandle> running;
///   std::uint64_t seen = pool.num_completed_chunks();
///   while (has_more_work() || !running.empty()) {
///     // Prefetch: queue the next range before the threads run dry.
///     const auto threads = static_cast<std::uint64_t>(pool.num_threads());
///     if (has_more_work() && pool.num_unstarted_items() < threads)
///       running.push_back(pool.run_chunk(next_range(), fn));
///     seen = pool.wait_for_completion(seen, 0.001);  // sleeps; wakes when a chunk completes
///     // Hand on the results of finished chunks, then forget them.
///     std::erase_if(running, [](const simorch::ChunkHandle& c) { return c.is_done(); });
///   }
///   const auto per_thread = pool.stats();  // tasks, busy_s, idle_s of each thread
/// @endcode
///
/// Thread safety: every member function may be called from any thread except where noted;
/// the pool's own threads may queue more work (run_chunk, submit) but must not wait for it.

namespace simorch {

/// What one pool thread has done since the pool was built (or since reset_stats()).
struct ThreadStats {
  std::uint64_t tasks = 0;  ///< work items finished (chunk indices and submitted tasks)
  double busy_s = 0;        ///< time spent inside work items
  double idle_s = 0;        ///< time spent asleep waiting for work
};

namespace parallel_detail {
struct ChunkState;
}

/// Shared view of one queued chunk; cheap to copy. A default-constructed handle refers to
/// no chunk (is_valid() is false) and every other member is then undefined.
class ChunkHandle {
 public:
  ChunkHandle() = default;

  /// True when this handle refers to a chunk.
  bool is_valid() const noexcept { return state_ != nullptr; }
  /// The index range the chunk was queued with.
  TaskRange range() const noexcept;
  /// True once every index has finished or been skipped and the completion callback has
  /// returned; after that the chunk's results may be read without further synchronisation.
  bool is_done() const noexcept;
  /// Blocks until is_done().
  void wait() const;
  /// Blocks until is_done() or `timeout_s` has passed; returns is_done().
  bool wait_for(double timeout_s) const;
  /// Indices finished so far (also counts those whose function threw).
  std::uint64_t num_finished() const noexcept;
  /// Indices skipped because the chunk was cancelled before they started.
  std::uint64_t num_skipped() const noexcept;
  /// Indices whose function threw.
  std::uint64_t num_failed() const noexcept;
  /// Stops handing out this chunk's unstarted indices; running ones finish. The chunk then
  /// completes normally (callback, is_done) with num_skipped() > 0.
  void cancel() const noexcept;
  /// First exception thrown by the item function or the completion callback (by time, not
  /// by index), or null. Valid once is_done().
  std::exception_ptr error() const;
  /// Waits, then rethrows error() if there is one.
  void get() const;

 private:
  friend class WorkerPool;
  explicit ChunkHandle(std::shared_ptr<parallel_detail::ChunkState> state)
      : state_(std::move(state)) {}
  std::shared_ptr<parallel_detail::ChunkState> state_;
};

/// A fixed number of worker threads, indexed 0..num_threads()-1, that run queued work.
///
/// Shutdown: the destructor FINISHES all queued work, then joins the threads; call
/// cancel_pending() first to drop what has not started instead. Idle threads sleep on a
/// condition variable and use no CPU.
class WorkerPool {
 public:
  /// Function run for each index of a chunk: (task index, pool thread index).
  using ItemFunction = std::function<void(std::uint64_t index, int thread)>;
  /// Called once when a chunk completes, on the pool thread that finished its last index
  /// (on the calling thread for an empty range). Keep it short: the thread is not working.
  using DoneFunction = std::function<void()>;

  /// Starts `num_threads` threads; 0 means std::thread::hardware_concurrency(). Throws
  /// ConfigError for a negative count.
  explicit WorkerPool(int num_threads);
  /// Finishes every queued chunk, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Number of worker threads.
  int num_threads() const noexcept { return static_cast<int>(threads_.size()); }

  /// Queues fn(i, thread) for every i in `range`, spread over all threads; returns at once.
  /// Exceptions thrown by fn are caught per index (see ChunkHandle::error()); the other
  /// indices still run. `on_done` runs after the last index, before is_done() turns true.
  ChunkHandle run_chunk(TaskRange range, ItemFunction fn, DoneFunction on_done = {});

  /// Queues one callable, invoked as f(thread) if it takes an int, else as f(). The future
  /// carries its result or its exception; it holds std::future_error(broken_promise) if
  /// the task was cancelled before it started.
  template <class F>
  auto submit(F&& f);

  /// Runs f(i) (or f(i, thread)) for every i in [0, n) on the pool and returns the results
  /// in index order, whichever thread ran them and in whatever order they finished. If
  /// any call throws, rethrows the exception of the lowest failing index after all
  /// calls have finished. Must not be called from one of this pool's threads (it would wait
  /// for work queued behind itself): throws Error there.
  template <class F>
  auto map_ordered(std::size_t n, F&& f);

  /// Cancels every queued chunk (ChunkHandle::cancel()): indices that have not started are
  /// skipped, running ones finish. Submitted tasks that had not started get broken_promise.
  void cancel_pending() noexcept;

  /// Indices queued but not yet started, over all chunks (the prefetch signal: queue more
  /// when this drops below num_threads()).
  std::uint64_t num_unstarted_items() const noexcept;
  /// Chunks (submitted tasks count as chunks) completed since the pool was built.
  std::uint64_t num_completed_chunks() const noexcept;
  /// Sleeps until num_completed_chunks() > seen or `timeout_s` has passed; returns
  /// num_completed_chunks(). Lets a main thread wait for "some chunk finished" without
  /// polling every handle or spinning.
  std::uint64_t wait_for_completion(std::uint64_t seen, double timeout_s) const;

  /// Per-thread accounting, index = thread index. Includes the idle time of a thread that
  /// is asleep right now, so it is exact after the work has finished.
  std::vector<ThreadStats> stats() const;
  /// Starts the accounting afresh (e.g. for a new run segment).
  void reset_stats();

  /// Index of the calling thread in the pool that runs it, or -1 outside any pool.
  static int this_thread_index() noexcept;

 private:
  struct PerThread;
  void worker_loop(int index);
  void enqueue(const std::shared_ptr<parallel_detail::ChunkState>& chunk);
  bool is_own_thread() const noexcept;

  std::vector<std::unique_ptr<PerThread>> per_thread_;
  std::vector<ThreadStats> baseline_;  // subtracted by stats(); guarded by mutex_
  std::deque<std::shared_ptr<parallel_detail::ChunkState>>
      queue_;  // FIFO of chunks with unclaimed indices
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  // Completion signalling has its own lock so that finishing a chunk never contends with
  // queueing one.
  mutable std::mutex completion_mutex_;
  mutable std::condition_variable chunk_completed_;
  std::atomic<std::uint64_t> completed_chunks_{0};
  mutable std::atomic<int> num_completion_waiters_{0};
  int num_sleeping_ = 0;      // guarded by mutex_
  bool is_stopping_ = false;  // guarded by mutex_
  std::vector<std::thread> threads_;

  friend struct parallel_detail::ChunkState;
  void notify_chunk_completed();
};

// ---- templates ----------------------------------------------------------------------

namespace parallel_detail {
/// Calls f(args..., thread) when f accepts the thread index, else f(args...).
template <class F, class... Args>
decltype(auto) call_with_optional_thread(F& f, int thread, Args&&... args) {
  if constexpr (std::is_invocable_v<F&, Args..., int>) {
    return f(std::forward<Args>(args)..., thread);
  } else {
    return f(std::forward<Args>(args)...);
  }
}
/// Throws Error: map_ordered was called from a thread of the same pool.
[[noreturn]] void throw_nested_map_ordered();
}  // namespace parallel_detail

template <class F>
auto WorkerPool::submit(F&& f) {
  using Fn = std::decay_t<F>;
  using Result = decltype(parallel_detail::call_with_optional_thread(std::declval<Fn&>(), 0));
  // std::function needs a copyable target, packaged_task is move-only: share it.
  auto task = std::make_shared<std::packaged_task<Result(int)>>(
      [fn = Fn(std::forward<F>(f))](int thread) mutable -> Result {
        return parallel_detail::call_with_optional_thread(fn, thread);
      });
  auto future = task->get_future();
  run_chunk(TaskRange{0, 1}, [task](std::uint64_t, int thread) { (*task)(thread); });
  return future;
}

template <class F>
auto WorkerPool::map_ordered(std::size_t n, F&& f) {
  using Result = std::decay_t<decltype(parallel_detail::call_with_optional_thread(
      std::declval<F&>(), 0, std::declval<std::size_t>()))>;
  static_assert(!std::is_void_v<Result>, "map_ordered needs a function that returns a value");
  if (is_own_thread()) parallel_detail::throw_nested_map_ordered();

  std::vector<std::optional<Result>> slots(n);
  std::mutex error_mutex;
  std::size_t first_failed = n;
  std::exception_ptr first_error;
  run_chunk(TaskRange{0, n}, [&](std::uint64_t i, int thread) {
    try {
      slots[i].emplace(
          parallel_detail::call_with_optional_thread(f, thread, static_cast<std::size_t>(i)));
    } catch (...) {
      // Keep the lowest index, not the first in time, so the error is reproducible.
      std::lock_guard lock(error_mutex);
      if (i < first_failed) {
        first_failed = i;
        first_error = std::current_exception();
      }
    }
  }).wait();
  if (first_error) std::rethrow_exception(first_error);

  std::vector<Result> results;
  results.reserve(n);
  for (auto& slot : slots) results.push_back(std::move(*slot));
  return results;
}

}  // namespace simorch
