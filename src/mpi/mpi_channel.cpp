#include "mpi_channel.hpp"

#include <boost/mpi/collectives/all_reduce.hpp>
#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/collectives/gather.hpp>
#include <boost/mpi/collectives/gatherv.hpp>
#include <boost/mpi/status.hpp>
#include <chrono>
#include <cstring>
#include <functional>
#include <limits>
#include <string>

#include "simorch/error.hpp"

namespace simorch::mpi::detail {
namespace {
// Adds the lifetime of the object to a comm_s counter.
class CommTimer {
 public:
  explicit CommTimer(double& total_s)
      : total_s_(total_s), start_(std::chrono::steady_clock::now()) {}
  ~CommTimer() {
    total_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  CommTimer(const CommTimer&) = delete;
  CommTimer& operator=(const CommTimer&) = delete;

 private:
  double& total_s_;
  std::chrono::steady_clock::time_point start_;
};

// Boost.MPI sends arrays of an MPI datatype without serialization; char is one.
const char* as_chars(const void* p) {
  return static_cast<const char*>(p);
}
char* as_chars(void* p) {
  return static_cast<char*>(p);
}

int checked_size(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error("MPI message of " + std::to_string(bytes) +
                " bytes exceeds 2 GiB; lower execution.max_chunk or the trajectory size");
  }
  return static_cast<int>(bytes);
}
}  // namespace

MpiChannel::MpiChannel() : rank_(world_.rank()), size_(world_.size()) {}

void MpiChannel::send_to_worker(int worker, const RootMessage& message) {
  CommTimer timer(comm_s_);
  world_.send(worker, tag_to_worker, as_chars(&message), static_cast<int>(sizeof message));
}

std::optional<WorkerMessage> MpiChannel::try_receive_from_worker() {
  CommTimer timer(comm_s_);
  auto status = world_.iprobe(boost::mpi::any_source, tag_to_root);
  if (!status) return std::nullopt;
  const auto count = status->count<char>();
  if (!count || *count < static_cast<int>(sizeof(WorkerHeader))) {
    throw Error("rank 0 received a malformed message from rank " +
                std::to_string(status->source()));
  }
  const auto num_bytes = static_cast<std::size_t>(*count);
  auto bytes = std::make_unique_for_overwrite<std::byte[]>(num_bytes);
  world_.recv(status->source(), tag_to_root, as_chars(bytes.get()), *count);
  WorkerMessage message;
  message.source = status->source();
  std::memcpy(&message.header, bytes.get(), sizeof(WorkerHeader));
  if (message.header.event == WorkerEvent::results) {
    message.results = ResultBlock::from_bytes(std::move(bytes), num_bytes);
  }
  return message;
}

std::optional<RootMessage> MpiChannel::try_receive_from_root() {
  CommTimer timer(comm_s_);
  auto status = world_.iprobe(0, tag_to_worker);
  if (!status) return std::nullopt;
  RootMessage message;
  world_.recv(0, tag_to_worker, as_chars(&message), static_cast<int>(sizeof message));
  return message;
}

void MpiChannel::send_event_to_root(const WorkerHeader& header) {
  CommTimer timer(comm_s_);
  world_.send(0, tag_to_root, as_chars(&header), static_cast<int>(sizeof header));
}

void MpiChannel::post_results_to_root(ResultBlock block) {
  CommTimer timer(comm_s_);
  auto owned = std::make_unique<ResultBlock>(std::move(block));
  const auto bytes = owned->bytes();
  // Non-blocking: a large (rendezvous) send would otherwise busy-wait inside MPI until
  // rank 0 gets to it, stealing a core from this rank's pool.
  auto request = world_.isend(0, tag_to_root, as_chars(bytes.data()), checked_size(bytes.size()));
  pending_.push_back(PendingSend{std::move(owned), std::move(request)});
}

std::size_t MpiChannel::progress_sends() {
  if (pending_.empty()) return 0;
  CommTimer timer(comm_s_);
  std::size_t completed = 0;
  // MPI completes sends to one destination in order; stop at the first one in flight.
  while (!pending_.empty()) {
    auto& request = pending_.front().request;
    if (request.active() && !request.test()) break;
    pending_.pop_front();
    ++completed;
  }
  return completed;
}

long long MpiChannel::sum_over_ranks(long long value) {
  CommTimer timer(comm_s_);
  long long sum = 0;
  boost::mpi::all_reduce(world_, value, sum, std::plus<long long>());
  return sum;
}

std::vector<RankReport> MpiChannel::gather_reports(const RankReport& mine) {
  CommTimer timer(comm_s_);
  std::vector<RankReport> all(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
  const int n = static_cast<int>(sizeof(RankReport));
  if (rank_ == 0) {
    boost::mpi::gather(world_, as_chars(&mine), n, as_chars(all.data()), 0);
  } else {
    boost::mpi::gather(world_, as_chars(&mine), n, 0);
  }
  return all;
}

std::vector<std::byte> MpiChannel::gather_bytes(const std::vector<std::byte>& mine) {
  CommTimer timer(comm_s_);
  const int my_size = checked_size(mine.size());
  std::vector<int> sizes(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
  if (rank_ == 0) {
    boost::mpi::gather(world_, my_size, sizes.data(), 0);
  } else {
    boost::mpi::gather(world_, my_size, 0);
  }
  std::vector<std::byte> all;
  if (rank_ == 0) {
    std::size_t total = 0;
    for (int s : sizes) total += static_cast<std::size_t>(s);
    all.resize(total);
    boost::mpi::gatherv(world_, as_chars(mine.data()), my_size, as_chars(all.data()), sizes, 0);
  } else {
    boost::mpi::gatherv(world_, as_chars(mine.data()), my_size, 0);
  }
  return all;
}

}  // namespace simorch::mpi::detail
