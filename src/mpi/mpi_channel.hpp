#pragma once

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/request.hpp>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "run/messages.hpp"
#include "run/result_block.hpp"

namespace simorch::mpi::detail {

/// A message a worker sent to rank 0: its header, and the whole message when it carries
/// results.
struct WorkerMessage {
  int source = 0;
  WorkerHeader header;
  ResultBlock results;  ///< empty unless header.event == WorkerEvent::results
};

/// The dispatcher's only door to MPI: plain structs and byte blocks as MPI_BYTE over
/// MPI_COMM_WORLD through Boost.MPI (which checks every return code and throws), never
/// blocking for long, and timing every call (comm_s). Main thread only (FUNNELED).
class MpiChannel {
 public:
  MpiChannel();

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  /// Seconds spent inside MPI calls so far.
  double comm_s() const noexcept { return comm_s_; }

  // ---- rank 0 ----
  /// Sends a small command (eager: returns at once).
  void send_to_worker(int worker, const RootMessage& message);
  /// The next message from any worker, if one has arrived.
  std::optional<WorkerMessage> try_receive_from_worker();

  // ---- workers ----
  /// The next command from rank 0, if one has arrived.
  std::optional<RootMessage> try_receive_from_root();
  /// Sends a header-only event (request, stop_requested, drained).
  void send_event_to_root(const WorkerHeader& header);
  /// Starts sending a result block; the channel keeps it until the send completes.
  void post_results_to_root(ResultBlock block);
  /// Completes finished sends; returns how many completed.
  std::size_t progress_sends();
  /// Result sends still in flight.
  std::size_t num_pending_sends() const noexcept { return pending_.size(); }

  // ---- collective ----
  /// Σ value over all ranks.
  long long sum_over_ranks(long long value);
  /// Gathers each rank's fixed-size record to rank 0 (result valid on rank 0).
  std::vector<RankReport> gather_reports(const RankReport& mine);
  /// Gathers a variable number of trivially copyable records to rank 0.
  std::vector<std::byte> gather_bytes(const std::vector<std::byte>& mine);

 private:
  struct PendingSend {
    std::unique_ptr<ResultBlock> block;  // heap: the request refers to its buffer
    boost::mpi::request request;
  };
  boost::mpi::communicator world_;
  int rank_ = 0;
  int size_ = 1;
  double comm_s_ = 0;
  std::deque<PendingSend> pending_;
};

}  // namespace simorch::mpi::detail
