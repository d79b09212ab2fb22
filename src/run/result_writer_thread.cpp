#include "run/result_writer_thread.hpp"

#include <chrono>
#include <exception>
#include <utility>

namespace simorch::detail {

ResultWriterThread::ResultWriterThread(ResultSink& sink, double checkpoint_interval_s)
    : sink_(sink), checkpoint_interval_s_(checkpoint_interval_s), thread_([this] { loop(); }) {}

ResultWriterThread::~ResultWriterThread() {
  finish();
}

void ResultWriterThread::push(ResultBlock block) {
  {
    std::lock_guard lock(mutex_);
    queued_bytes_ += block.bytes().size();
    queue_.push_back(std::move(block));
  }
  has_work_.notify_one();
}

std::size_t ResultWriterThread::queued_bytes() const {
  std::lock_guard lock(mutex_);
  return queued_bytes_;
}

bool ResultWriterThread::has_failed() const {
  std::lock_guard lock(mutex_);
  return has_failed_;
}

std::string ResultWriterThread::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void ResultWriterThread::finish() {
  {
    std::lock_guard lock(mutex_);
    is_finishing_ = true;
  }
  has_work_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void ResultWriterThread::loop() {
  using clock = std::chrono::steady_clock;
  const auto interval = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>(checkpoint_interval_s_));
  auto next_checkpoint = clock::now() + interval;
  bool has_unsaved = false;
  std::unique_lock lock(mutex_);
  for (;;) {
    has_work_.wait_until(lock, next_checkpoint,
                         [this] { return !queue_.empty() || is_finishing_; });
    if (queue_.empty() && is_finishing_) return;
    ResultBlock block;
    if (!queue_.empty()) {
      block = std::move(queue_.front());
      queue_.pop_front();
    }
    const bool is_failed = has_failed_;
    lock.unlock();
    std::string failure;
    try {
      if (!is_failed && !block.is_empty()) {
        sink_.write(block.summaries(), block.states(), block.controls());
        has_unsaved = true;
      }
      if (!is_failed && has_unsaved && clock::now() >= next_checkpoint) {
        sink_.checkpoint();
        has_unsaved = false;
      }
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown exception in the result writer";
    }
    if (clock::now() >= next_checkpoint) next_checkpoint = clock::now() + interval;
    const std::size_t written = block.bytes().size();
    block = ResultBlock{};  // free before taking the lock again
    lock.lock();
    queued_bytes_ -= written;
    if (!failure.empty() && !has_failed_) {
      has_failed_ = true;
      error_ = std::move(failure);
    }
  }
}

}  // namespace simorch::detail
