#include "dispatch_common.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace simorch::mpi::detail {

void gather_rank_timing(MpiChannel& channel, const RankTiming& mine,
                        const std::vector<ThreadTiming>& my_threads, DispatchOutcome& outcome) {
  RankReport report;
  rank_fields(report) = rank_fields(mine);
  std::memcpy(report.host, mine.host.data(), std::min(mine.host.size(), sizeof report.host - 1));
  std::vector<std::byte> thread_bytes(my_threads.size() * sizeof(ThreadTiming));
  if (!my_threads.empty()) std::memcpy(thread_bytes.data(), my_threads.data(), thread_bytes.size());

  const auto reports = channel.gather_reports(report);
  const auto all_threads = channel.gather_bytes(thread_bytes);
  if (channel.rank() != 0) return;
  for (const auto& r : reports) {
    RankTiming& timing = outcome.rank_timing.emplace_back();
    rank_fields(timing) = rank_fields(r);
    timing.host = r.host;
  }
  for (std::size_t offset = 0; offset + sizeof(ThreadTiming) <= all_threads.size();
       offset += sizeof(ThreadTiming)) {
    ThreadTiming row;
    std::memcpy(&row, all_threads.data() + offset, sizeof row);
    outcome.thread_timing.push_back(row);
  }
}

}  // namespace simorch::mpi::detail
