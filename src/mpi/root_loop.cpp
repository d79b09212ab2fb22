#include "root_loop.hpp"

#include <algorithm>
#include <utility>

#include "backoff.hpp"
#include "simorch/error.hpp"
#include "simorch/mpi/stop_signal.hpp"

namespace simorch::mpi::detail {

RootLoop::RootLoop(MpiChannel& channel, const std::vector<TaskRange>& pending, ResultSink& sink,
                   const TaskFunction& task, const DispatchOptions& options,
                   std::uint64_t total_threads)
    : channel_(channel),
      options_(options),
      local_(0, options.threads, task, options.samples_per_task, options),
      scheduler_(pending, make_schedule(options, total_threads)),
      writer_(sink, options.checkpoint_interval_s),
      workers_(static_cast<std::size_t>(channel.size())),
      total_(scheduler_.remaining()) {}

DispatchOutcome RootLoop::run() {
  const auto start = Clock::now();
  DispatchOutcome outcome;
  outcome.start_unix_s = unix_now();
  last_result_unix_s_ = outcome.start_unix_s;
  Backoff backoff;
  auto last_progress = Clock::now();
  for (;;) {
    bool is_active = receive_all();
    for (auto& block : local_.take_completed()) {
      accept(std::move(block));
      is_active = true;
    }
    if (!is_stopping_ && stop_signal_count() > 0) begin_stop(exit_code::interrupted);
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
    // caller close the file as interrupted and abort the job.
    for (auto& block : local_.take_completed()) accept(std::move(block));
    local_.abandon();
  } else {
    for (int w = 1; w < channel_.size(); ++w) {
      channel_.send_to_worker(w, RootMessage{RootCommand::stop, exit_code_, 0, 0});
    }
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
    gather_timing(channel_, local_, RankAccount{local_tasks_, outcome.wall_s}, outcome);
  }
  return outcome;
}

bool RootLoop::receive_all() {
  bool is_active = false;
  while (auto message = channel_.try_receive_from_worker()) {
    is_active = true;
    Worker& worker = workers_[static_cast<std::size_t>(message->source)];
    switch (message->header.event) {
      case WorkerEvent::request:
        worker.chunks_requested += message->header.chunks_wanted;
        break;
      case WorkerEvent::results: {
        const std::uint64_t n = message->results.size();
        worker.tasks_in_flight -= std::min(worker.tasks_in_flight, n);
        accept(std::move(message->results));
        break;
      }
      case WorkerEvent::stop_requested:
        if (!is_stopping_) begin_stop(exit_code::interrupted);
        break;
      case WorkerEvent::drained:
        worker.is_drained = true;
        break;
    }
  }
  return is_active;
}

void RootLoop::accept(ResultBlock block) {
  if (block.is_empty()) return;
  for (const auto& summary : block.summaries()) {
    ++by_status_[static_cast<std::size_t>(summary.status)];
    if (summary.rank == 0) ++local_tasks_;
  }
  done_ += block.size();
  last_result_unix_s_ = unix_now();
  writer_.push(std::move(block));
}

// Hands out chunks: rank 0's own pool first (no MPI), then every worker that asked.
bool RootLoop::dispatch() {
  if (writer_.queued_bytes() > options_.max_queued_bytes) return false;  // backpressure
  bool has_sent = false;
  while (local_.num_in_flight() < chunks_per_rank && !scheduler_.is_exhausted()) {
    local_.submit(scheduler_.next());
    has_sent = true;
  }
  for (std::size_t w = 1; w < workers_.size() && !scheduler_.is_exhausted(); ++w) {
    Worker& worker = workers_[w];
    while (worker.chunks_requested > 0 && !scheduler_.is_exhausted()) {
      const TaskRange chunk = scheduler_.next();
      channel_.send_to_worker(static_cast<int>(w),
                              RootMessage{RootCommand::chunk, 0, chunk.begin, chunk.end});
      --worker.chunks_requested;
      worker.tasks_in_flight += chunk.size();
      has_sent = true;
    }
  }
  return has_sent;
}

void RootLoop::begin_stop(int exit_code) {
  is_stopping_ = true;
  exit_code_ = exit_code;
  stop_started_ = Clock::now();
  scheduler_.clear();
  local_.cancel();
  for (int w = 1; w < channel_.size(); ++w) {
    channel_.send_to_worker(w, RootMessage{RootCommand::drain, exit_code, 0, 0});
  }
}

bool RootLoop::is_everything_done() const {
  return scheduler_.is_exhausted() && local_.is_idle() &&
         std::all_of(workers_.begin(), workers_.end(),
                     [](const Worker& w) { return w.tasks_in_flight == 0; });
}

bool RootLoop::is_everyone_drained() const {
  // A worker's "drained" follows all its result messages (MPI keeps their order).
  return local_.is_idle() && std::all_of(workers_.begin() + 1, workers_.end(),
                                         [](const Worker& w) { return w.is_drained; });
}

}  // namespace simorch::mpi::detail
