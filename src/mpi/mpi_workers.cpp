#include "mpi_workers.hpp"

#include <algorithm>
#include <utility>

#include "dispatch_common.hpp"

namespace simorch::mpi::detail {

MpiWorkers::MpiWorkers(MpiChannel& channel)
    : channel_(channel), workers_(static_cast<std::size_t>(channel.size())) {}

bool MpiWorkers::receive_all(const std::function<void(ResultBlock)>& accept,
                             bool& has_stop_request) {
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
        has_stop_request = true;
        break;
      case WorkerEvent::drained:
        worker.is_drained = true;
        break;
    }
  }
  return is_active;
}

bool MpiWorkers::hand_out(GuidedScheduler& scheduler) {
  bool has_sent = false;
  for (std::size_t w = 1; w < workers_.size() && !scheduler.is_exhausted(); ++w) {
    Worker& worker = workers_[w];
    while (worker.chunks_requested > 0 && !scheduler.is_exhausted()) {
      const TaskRange chunk = scheduler.next();
      if (chunk.empty()) break;  // the rest was skipped (past a stop)
      channel_.send_to_worker(static_cast<int>(w),
                              RootMessage{RootCommand::chunk, 0, chunk.begin, chunk.end});
      --worker.chunks_requested;
      worker.tasks_in_flight += chunk.size();
      has_sent = true;
    }
  }
  return has_sent;
}

// One small eager send per worker and stop (each group stops once): no wait for the
// worker, which applies it before any chunk sent after it (MPI keeps their order).
void MpiWorkers::announce_stop(std::uint64_t group, std::uint64_t stop) {
  for (int w = 1; w < channel_.size(); ++w) {
    channel_.send_to_worker(w, RootMessage{RootCommand::group_stopped, 0, group, stop});
  }
}

void MpiWorkers::drain(int exit_code) {
  for (int w = 1; w < channel_.size(); ++w) {
    channel_.send_to_worker(w, RootMessage{RootCommand::drain, exit_code, 0, 0});
  }
}

void MpiWorkers::stop(int exit_code) {
  for (int w = 1; w < channel_.size(); ++w) {
    channel_.send_to_worker(w, RootMessage{RootCommand::stop, exit_code, 0, 0});
  }
}

bool MpiWorkers::is_idle() const {
  return std::all_of(workers_.begin(), workers_.end(),
                     [](const Worker& w) { return w.tasks_in_flight == 0; });
}

bool MpiWorkers::is_drained() const {
  // A worker's "drained" follows all its result messages (MPI keeps their order).
  return std::all_of(workers_.begin() + 1, workers_.end(),
                     [](const Worker& w) { return w.is_drained; });
}

void MpiWorkers::gather_timing(const RankTiming& mine, const std::vector<ThreadTiming>& my_threads,
                               DispatchOutcome& outcome) {
  RankTiming row = mine;
  row.comm_s = channel_.comm_s();  // the loop does not know the time spent inside MPI
  gather_rank_timing(channel_, row, my_threads, outcome);
}

}  // namespace simorch::mpi::detail
