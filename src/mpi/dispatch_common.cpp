#include "dispatch_common.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "simorch/mpi/mpi_session.hpp"

namespace simorch::mpi::detail {

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

void gather_timing(MpiChannel& channel, const LocalRunner& local, const RankAccount& account,
                   DispatchOutcome& outcome) {
  RankReport mine;
  mine.rank = channel.rank();
  mine.threads = local.threads();
  mine.tasks = account.tasks;
  const auto stats = local.stats();
  std::vector<std::byte> thread_bytes(stats.size() * sizeof(ThreadTiming));
  for (std::size_t i = 0; i < stats.size(); ++i) {
    mine.compute_s += stats[i].busy_s;
    mine.idle_s += stats[i].idle_s;
    ThreadTiming row{channel.rank(), static_cast<std::int32_t>(i), stats[i].tasks, stats[i].busy_s};
    std::memcpy(thread_bytes.data() + i * sizeof row, &row, sizeof row);
  }
  mine.comm_s = channel.comm_s();
  mine.wall_s = account.wall_s;
  const std::string host = processor_name();
  std::memcpy(mine.host, host.data(), std::min(host.size(), sizeof mine.host - 1));

  const auto reports = channel.gather_reports(mine);
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
