#include "dispatch_common.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace simorch::mpi::detail {

void gather_rank_timing(MpiChannel& channel, const RankTiming& mine,
                        const std::vector<ThreadTiming>& my_threads, DispatchOutcome& outcome) {
  RankReport report;
  report.rank = mine.rank;
  report.threads = mine.threads;
  report.tasks = mine.tasks;
  report.compute_s = mine.compute_s;
  report.idle_s = mine.idle_s;
  report.comm_s = mine.comm_s;
  report.wall_s = mine.wall_s;
  std::memcpy(report.host, mine.host.data(), std::min(mine.host.size(), sizeof report.host - 1));
  std::vector<std::byte> thread_bytes(my_threads.size() * sizeof(ThreadTiming));
  if (!my_threads.empty()) std::memcpy(thread_bytes.data(), my_threads.data(), thread_bytes.size());

  const auto reports = channel.gather_reports(report);
  const auto all_threads = channel.gather_bytes(thread_bytes);
  if (channel.rank() != 0) return;
  for (const auto& r : reports) {
    outcome.rank_timing.push_back(RankTiming{r.rank, std::string(r.host), r.threads, r.tasks,
                                             r.compute_s, r.idle_s, r.comm_s, r.wall_s});
  }
  for (std::size_t offset = 0; offset + sizeof(ThreadTiming) <= all_threads.size();
       offset += sizeof(ThreadTiming)) {
    ThreadTiming row;
    std::memcpy(&row, all_threads.data() + offset, sizeof row);
    outcome.thread_timing.push_back(row);
  }
}

}  // namespace simorch::mpi::detail
