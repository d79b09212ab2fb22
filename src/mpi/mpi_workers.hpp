#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "mpi_channel.hpp"
#include "run/root_loop.hpp"

namespace simorch::mpi::detail {

/// Rank 0's RootLoop talking to ranks 1 … R−1 over the channel (protocol: messages.hpp;
/// the other side: WorkerLoop).
class MpiWorkers final : public simorch::detail::RemoteWorkers {
 public:
  explicit MpiWorkers(MpiChannel& channel);

  int size() const override { return channel_.size(); }
  bool receive_all(const std::function<void(ResultBlock)>& accept, bool& has_stop_request) override;
  bool hand_out(GuidedScheduler& scheduler) override;
  void announce_stop(std::uint64_t group, std::uint64_t stop) override;
  void drain(int exit_code) override;
  void stop(int exit_code) override;
  bool is_idle() const override;
  bool is_drained() const override;
  void gather_timing(const RankTiming& mine, const std::vector<ThreadTiming>& my_threads,
                     DispatchOutcome& outcome) override;

 private:
  struct Worker {
    int chunks_requested = 0;           // requests not answered yet
    std::uint64_t tasks_in_flight = 0;  // handed out, results not yet back
    bool is_drained = false;            // after a stop: all its results arrived
  };
  MpiChannel& channel_;
  std::vector<Worker> workers_;  // index = rank; [0] unused
};

}  // namespace simorch::mpi::detail
