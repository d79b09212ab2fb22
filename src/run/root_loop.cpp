#include "run/root_loop.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "run/stop_gate.hpp"
#include "simorch/error.hpp"
#include "simorch/run/backoff.hpp"
#include "simorch/run/stop_signal.hpp"

namespace simorch::detail {

GuidedSchedule make_schedule(const DispatchOptions& options, std::uint64_t total_threads) {
  const std::size_t per_task =
      ResultBlock::bytes_for(1, options.samples_per_task) - sizeof(WorkerHeader);
  const std::uint64_t by_memory = std::max<std::uint64_t>(1, options.max_chunk_bytes / per_task);
  GuidedSchedule schedule{total_threads, options.min_chunk, options.max_chunk,
                          options.batch_task ? options.batch_width : 1};
  if (schedule.min_chunk == 0 || schedule.max_chunk < schedule.min_chunk) {
    return schedule;  // as given: the scheduler reports the bad value
  }
  schedule.max_chunk = std::min(schedule.max_chunk, by_memory);
  schedule.min_chunk = std::min(schedule.min_chunk, schedule.max_chunk);
  return schedule;
}

RootLoop::RootLoop(RemoteWorkers& workers, const std::vector<TaskRange>& pending, ResultSink& sink,
                   const TaskFunction& task, const DispatchOptions& options,
                   std::uint64_t total_threads, std::string host)
    : workers_(workers),
      options_(options),
      local_(0, options.threads, task, options.samples_per_task, options),
      scheduler_(pending, make_schedule(options, total_threads)),
      writer_(sink, options.checkpoint_interval_s),
      host_(std::move(host)),
      total_(scheduler_.remaining()),
      last_stop_poll_(Clock::now()) {
  if (options.stop_gate != nullptr && options.stop_gate->is_active()) {
    gate_ = options.stop_gate;
    scheduler_.set_filter([gate = gate_](std::uint64_t id) { return gate->is_needed(id); });
  }
}

DispatchOutcome RootLoop::run() {
  const auto start = Clock::now();
  DispatchOutcome outcome;
  outcome.start_unix_s = unix_now();
  last_result_unix_s_ = outcome.start_unix_s;
  Backoff backoff;
  auto last_progress = Clock::now();
  const auto accept_block = [this](ResultBlock block) { accept(std::move(block)); };
  for (;;) {
    bool has_stop_request = false;
    bool is_active = workers_.receive_all(accept_block, has_stop_request);
    if (has_stop_request && !is_stopping_) begin_stop(exit_code::interrupted);
    for (auto& block : local_.take_completed()) {
      accept(std::move(block));
      is_active = true;
    }
    if (!is_stopping_ && is_asked_to_stop()) begin_stop(exit_code::interrupted);
    if (!is_stopping_ && writer_.has_failed()) begin_stop(exit_code::runtime_failure);
    if (!is_stopping_ && dispatch()) is_active = true;

    if (!is_stopping_ && is_everything_done()) break;
    if (is_stopping_ && is_everyone_drained()) break;
    if (is_stopping_ && seconds_since(stop_started_) > options_.stop_timeout_s) {
      outcome.is_abandoned = true;
      break;
    }
    if (options_.on_progress && seconds_since(last_progress) >= options_.progress_interval_s) {
      options_.on_progress({done_, total_, seconds_since(start), is_stopping_, false});
      last_progress = Clock::now();
    }
    if (is_active) {
      backoff.reset();
    } else {
      local_.wait(backoff.next_s());  // wakes at once when a local chunk completes
    }
  }

  if (outcome.is_abandoned) {
    // Some rank does not answer (or a task does not end): keep what arrived, let the
    // caller close the file as interrupted and end the job.
    for (auto& block : local_.take_completed()) accept(std::move(block));
    local_.abandon();
  } else {
    workers_.stop(exit_code_);
  }
  writer_.finish();
  if (writer_.has_failed() && exit_code_ != exit_code::runtime_failure) {
    exit_code_ = exit_code::runtime_failure;  // the last blocks failed after the loop
  }
  if (options_.on_progress) {
    options_.on_progress({done_, total_, seconds_since(start), is_stopping_, true});
  }

  outcome.exit_code = exit_code_;
  outcome.outcome =
      (exit_code_ == 0 && done_ == total_) ? RunOutcome::complete : RunOutcome::interrupted;
  outcome.error = writer_.error();
  outcome.tasks_done = done_;
  outcome.by_status = by_status_;
  outcome.last_result_unix_s = last_result_unix_s_;
  outcome.wall_s = seconds_since(start);
  if (!outcome.is_abandoned) {
    account_.wall_s = outcome.wall_s;
    workers_.gather_timing(rank_timing(local_, 0, account_, 0, host_), thread_timing(local_, 0),
                           outcome);
  }
  return outcome;
}

bool RootLoop::is_asked_to_stop() {
  if (options_.is_watching_signals && stop_signal_count() > 0) return true;
  if (!options_.should_stop || seconds_since(last_stop_poll_) < options_.should_stop_interval_s) {
    return false;
  }
  last_stop_poll_ = Clock::now();
  return options_.should_stop();
}

void RootLoop::accept(ResultBlock block) {
  if (block.is_empty()) return;
  for (const auto& summary : block.summaries()) {
    if (summary.rank == 0) account_.count(summary);
  }
  last_result_unix_s_ = unix_now();
  if (gate_ == nullptr) {
    write(std::move(block));
    return;
  }
  for (ResultBlock& ready : gate_->admit(std::move(block))) write(std::move(ready));
}

void RootLoop::write(ResultBlock block) {
  for (const auto& summary : block.summaries()) {
    ++by_status_[static_cast<std::size_t>(summary.status)];
  }
  done_ += block.size();
  writer_.push(std::move(block));
}

// Tasks the scheduler skipped are past a stop: their rows are not_run, written in blocks
// of at most one chunk.
void RootLoop::write_skipped() {
  for (TaskRange range : scheduler_.take_skipped()) {
    while (!range.empty()) {
      const TaskRange part{range.begin, std::min(range.end, range.begin + skipped_block_rows)};
      write(not_run_block(part, options_.samples_per_task));
      range.begin = part.end;
    }
  }
}

// Hands out chunks: rank 0's own pool first (no MPI), then every worker that asked.
bool RootLoop::dispatch() {
  if (writer_.queued_bytes() > options_.max_queued_bytes) return false;  // backpressure
  bool has_sent = false;
  if (gate_ != nullptr) {
    // Before any chunk: each worker learns a stop ahead of the chunks it may skip in.
    for (const auto& [group, stop] : gate_->take_new_stops()) workers_.announce_stop(group, stop);
  }
  while (local_.num_in_flight() < chunks_per_rank && !scheduler_.is_exhausted()) {
    const TaskRange chunk = scheduler_.next();
    if (chunk.empty()) break;  // the rest was skipped (past a stop)
    local_.submit(chunk);
    has_sent = true;
  }
  if (!scheduler_.is_exhausted() && workers_.hand_out(scheduler_)) has_sent = true;
  if (gate_ != nullptr) write_skipped();
  return has_sent;
}

void RootLoop::begin_stop(int exit_code) {
  is_stopping_ = true;
  exit_code_ = exit_code;
  stop_started_ = Clock::now();
  scheduler_.clear();
  local_.cancel();
  workers_.drain(exit_code);
}

bool RootLoop::is_everything_done() const {
  const bool is_done = scheduler_.is_exhausted() && local_.is_idle() && workers_.is_idle();
  if (is_done && gate_ != nullptr && gate_->num_held() > 0) {
    // Every needed task ran, so every group's prefix reached its held samples.
    throw std::logic_error("RootLoop: results held for a stop decision after the last task");
  }
  return is_done;
}

bool RootLoop::is_everyone_drained() const {
  return local_.is_idle() && workers_.is_drained();
}

}  // namespace simorch::detail
