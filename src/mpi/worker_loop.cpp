#include "worker_loop.hpp"

#include <chrono>
#include <thread>
#include <utility>

#include "dispatch_common.hpp"
#include "run/stop_gate.hpp"
#include "simorch/mpi/mpi_session.hpp"
#include "simorch/run/backoff.hpp"
#include "simorch/run/stop_signal.hpp"

namespace simorch::mpi::detail {

WorkerLoop::WorkerLoop(MpiChannel& channel, const TaskFunction& task,
                       const DispatchOptions& options)
    : channel_(channel),
      local_(channel.rank(), options.threads, task, options.samples_per_task, options),
      board_(options.stop_board) {}

DispatchOutcome WorkerLoop::run() {
  const auto start = Clock::now();
  DispatchOutcome outcome;
  outcome.start_unix_s = unix_now();
  simorch::detail::Backoff backoff;
  std::optional<int> stop_code;
  for (;;) {
    bool is_active = false;
    stop_code = receive_all(is_active);
    if (stop_code) break;
    if (!has_requested_stop_ && stop_signal_count() > 0) {
      channel_.send_event_to_root(WorkerHeader{WorkerEvent::stop_requested, 0, 0, 0});
      has_requested_stop_ = true;
      start_drain();  // at once: rank 0's drain follows, but why start more tasks meanwhile
      is_active = true;
    }
    for (auto& block : local_.take_completed()) {
      is_active = true;
      for (const TaskSummary& row : block.summaries()) account_.count(row);
      if (!block.is_empty()) channel_.post_results_to_root(std::move(block));
    }
    if (channel_.progress_sends() > 0) is_active = true;
    if (!is_draining_ && chunks_requested_ == 0 && local_.num_in_flight() < chunks_per_rank) {
      const int wanted = static_cast<int>(chunks_per_rank - local_.num_in_flight());
      channel_.send_event_to_root(WorkerHeader{WorkerEvent::request, wanted, 0, 0});
      chunks_requested_ = wanted;
      is_active = true;
    }
    if (is_draining_ && !has_sent_drained_ && local_.is_idle()) {
      // Posted after every result send (MPI keeps their order), so rank 0 has them all.
      channel_.send_event_to_root(WorkerHeader{WorkerEvent::drained, 0, 0, 0});
      has_sent_drained_ = true;
    }
    if (is_active) {
      backoff.reset();
    } else {
      local_.wait(backoff.next_s());  // wakes at once when a local chunk completes
    }
  }
  // Rank 0 received every result before it said stop; this only retires the requests.
  while (channel_.num_pending_sends() > 0) {
    if (channel_.progress_sends() == 0) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  outcome.exit_code = *stop_code;
  outcome.outcome = *stop_code == 0 ? RunOutcome::complete : RunOutcome::interrupted;
  outcome.wall_s = seconds_since(start);
  account_.wall_s = outcome.wall_s;
  const int rank = channel_.rank();
  gather_rank_timing(channel_,
                     rank_timing(local_, rank, account_, channel_.comm_s(), processor_name()),
                     thread_timing(local_, rank), outcome);
  return outcome;
}

std::optional<int> WorkerLoop::receive_all(bool& is_active) {
  while (auto message = channel_.try_receive_from_root()) {
    is_active = true;
    switch (message->command) {
      case RootCommand::chunk:
        if (chunks_requested_ > 0) --chunks_requested_;
        // A chunk sent before rank 0 heard of a stop is dropped: its tasks stay pending.
        if (!is_draining_) local_.submit(TaskRange{message->begin, message->end});
        break;
      case RootCommand::group_stopped:
        if (board_ != nullptr) board_->set(message->begin, message->end);
        break;
      case RootCommand::drain:
        start_drain();
        break;
      case RootCommand::stop:
        return message->exit_code;
    }
  }
  return std::nullopt;
}

void WorkerLoop::start_drain() {
  is_draining_ = true;
  local_.cancel();
}

}  // namespace simorch::mpi::detail
