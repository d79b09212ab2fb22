#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "run/result_block.hpp"
#include "simorch/run/dispatch.hpp"

namespace simorch::detail {

/// Rank 0's one thread that touches the output (design.md: one HDF5 thread per process).
///
/// The main thread pushes result blocks and never waits; the writer thread passes them to
/// the sink in arrival order and checkpoints it periodically. The main thread reads
/// queued_bytes() to stop handing out work while the writer is behind (backpressure).
/// A sink error is kept (has_failed(), error()) and later blocks are dropped, so the run
/// can stop in order instead of crashing.
class ResultWriterThread {
 public:
  ResultWriterThread(ResultSink& sink, double checkpoint_interval_s);
  /// Calls finish().
  ~ResultWriterThread();
  ResultWriterThread(const ResultWriterThread&) = delete;
  ResultWriterThread& operator=(const ResultWriterThread&) = delete;

  /// Queues a block for writing; returns at once.
  void push(ResultBlock block);
  /// Bytes queued and not yet written.
  std::size_t queued_bytes() const;
  bool has_failed() const;
  /// The sink's error message once has_failed().
  std::string error() const;
  /// Writes everything queued, then joins the thread. Idempotent.
  void finish();

 private:
  void loop();

  ResultSink& sink_;
  double checkpoint_interval_s_;
  mutable std::mutex mutex_;
  std::condition_variable has_work_;
  std::deque<ResultBlock> queue_;  // guarded by mutex_
  std::size_t queued_bytes_ = 0;   // guarded by mutex_
  bool is_finishing_ = false;      // guarded by mutex_
  bool has_failed_ = false;        // guarded by mutex_
  std::string error_;              // guarded by mutex_
  std::thread thread_;
};

}  // namespace simorch::detail
