#include "row_write_stage.hpp"

#include <utility>

namespace simorch::io_detail {

RowWriteStage::RowWriteStage(Write write) : write_(std::move(write)), thread_([this] { loop(); }) {}

RowWriteStage::~RowWriteStage() {
  {
    std::lock_guard lock(mutex_);
    is_stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

PendingRows& RowWriteStage::next_free() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queued_ < slots || error_; });
  throw_if_failed();
  return rows_[(head_ + queued_) % slots];
}

void RowWriteStage::submit() {
  {
    std::lock_guard lock(mutex_);
    ++queued_;
  }
  changed_.notify_all();
}

void RowWriteStage::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queued_ == 0 || error_; });
  throw_if_failed();
}

void RowWriteStage::throw_if_failed() const {
  if (error_) std::rethrow_exception(error_);
}

void RowWriteStage::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return queued_ > 0 || is_stopping_; });
    if (queued_ == 0) return;  // stopping with nothing left to write
    if (error_) {
      queued_ = 0;  // nothing may follow a failed write
      changed_.notify_all();
      continue;
    }
    PendingRows& rows = rows_[head_];
    lock.unlock();
    std::exception_ptr error;
    try {
      write_(rows);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    error_ = error ? error : error_;
    head_ = (head_ + 1) % slots;
    --queued_;
    changed_.notify_all();
  }
}

}  // namespace simorch::io_detail
