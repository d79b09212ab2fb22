#include "simorch/dist/dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "backoff.hpp"
#include "local_runner.hpp"
#include "mpi_channel.hpp"
#include "result_writer_thread.hpp"
#include "simorch/dist/guided_scheduler.hpp"
#include "simorch/dist/mpi_session.hpp"
#include "simorch/dist/stop_signal.hpp"
#include "simorch/error.hpp"

namespace simorch::dist {
namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Chunks in a rank's pool at once: the running one and one prefetched, so a worker
// never waits for rank 0's reply between chunks.
constexpr std::size_t chunks_per_rank = 2;

// Largest chunk whose result block fits max_chunk_bytes (trajectories make tasks big).
GuidedSchedule make_schedule(const DispatchOptions& options, std::uint64_t total_threads) {
  const std::size_t per_task =
      ResultBlock::bytes_for(1, options.samples_per_task) - sizeof(WorkerHeader);
  const std::uint64_t by_memory = std::max<std::uint64_t>(1, options.max_chunk_bytes / per_task);
  GuidedSchedule schedule{total_threads, options.min_chunk, options.max_chunk};
  if (schedule.min_chunk == 0) return schedule;  // the scheduler reports the bad value
  schedule.max_chunk = std::min(schedule.max_chunk, by_memory);
  schedule.min_chunk = std::min(schedule.min_chunk, schedule.max_chunk);
  return schedule;
}

// What every rank reports at the end, gathered to rank 0.
struct RankAccount {
  std::uint64_t tasks = 0;
  double wall_s = 0;
};

void gather_timing(detail::MpiChannel& channel, const detail::LocalRunner& local,
                   const RankAccount& account, DispatchOutcome& outcome) {
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

// ---- rank 0 ------------------------------------------------------------------------

class RootLoop {
 public:
  RootLoop(detail::MpiChannel& channel, const std::vector<TaskRange>& pending, ResultSink& sink,
           const TaskFunction& task, const DispatchOptions& options, std::uint64_t total_threads)
      : channel_(channel),
        options_(options),
        local_(0, options.threads, task, options.samples_per_task),
        scheduler_(pending, make_schedule(options, total_threads)),
        writer_(sink, options.checkpoint_interval_s),
        workers_(static_cast<std::size_t>(channel.size())),
        total_(scheduler_.remaining()) {}

  DispatchOutcome run() {
    const auto start = Clock::now();
    DispatchOutcome outcome;
    outcome.start_unix_s = unix_now();
    last_result_unix_s_ = outcome.start_unix_s;
    detail::Backoff backoff;
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

      if (!is_stopping_ && scheduler_.is_exhausted() && local_.is_idle() &&
          std::all_of(workers_.begin(), workers_.end(),
                      [](const Worker& w) { return w.tasks_in_flight == 0; })) {
        break;
      }
      if (is_stopping_ && local_.is_idle() &&
          std::all_of(workers_.begin() + 1, workers_.end(),
                      [](const Worker& w) { return w.is_drained; })) {
        break;
      }
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
        local_.wait(backoff.next_s());
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

 private:
  struct Worker {
    int chunks_requested = 0;
    std::uint64_t tasks_in_flight = 0;
    bool is_drained = false;
  };

  bool receive_all() {
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

  void accept(ResultBlock block) {
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
  bool dispatch() {
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

  void begin_stop(int exit_code) {
    is_stopping_ = true;
    exit_code_ = exit_code;
    stop_started_ = Clock::now();
    scheduler_.clear();
    local_.cancel();
    for (int w = 1; w < channel_.size(); ++w) {
      channel_.send_to_worker(w, RootMessage{RootCommand::drain, exit_code, 0, 0});
    }
  }

  detail::MpiChannel& channel_;
  const DispatchOptions& options_;
  detail::LocalRunner local_;
  GuidedScheduler scheduler_;
  detail::ResultWriterThread writer_;
  std::vector<Worker> workers_;  // index = rank; [0] unused
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  std::uint64_t local_tasks_ = 0;
  std::array<std::uint64_t, task_status_count> by_status_{};
  double last_result_unix_s_ = 0;
  bool is_stopping_ = false;
  int exit_code_ = exit_code::success;
  Clock::time_point stop_started_;
};

// ---- ranks 1 … R-1 -------------------------------------------------------------------

class WorkerLoop {
 public:
  WorkerLoop(detail::MpiChannel& channel, const TaskFunction& task, const DispatchOptions& options)
      : channel_(channel),
        local_(channel.rank(), options.threads, task, options.samples_per_task) {}

  DispatchOutcome run() {
    const auto start = Clock::now();
    DispatchOutcome outcome;
    outcome.start_unix_s = unix_now();
    detail::Backoff backoff;
    std::optional<int> stop_code;
    while (!stop_code) {
      bool is_active = false;
      while (auto message = channel_.try_receive_from_root()) {
        is_active = true;
        if (message->command == RootCommand::chunk) {
          if (chunks_requested_ > 0) --chunks_requested_;
          // Chunks sent before rank 0 heard of a stop are dropped: they stay pending.
          if (!is_draining_) local_.submit(TaskRange{message->begin, message->end});
        } else if (message->command == RootCommand::drain) {
          start_drain();
        } else {
          stop_code = message->exit_code;
          break;
        }
      }
      if (stop_code) break;
      if (!has_requested_stop_ && stop_signal_count() > 0) {
        channel_.send_event_to_root(WorkerHeader{WorkerEvent::stop_requested, 0, 0, 0});
        has_requested_stop_ = true;
        start_drain();
        is_active = true;
      }
      for (auto& block : local_.take_completed()) {
        is_active = true;
        tasks_ += block.size();
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
        // After every result send (MPI keeps their order), so rank 0 has them all.
        channel_.send_event_to_root(WorkerHeader{WorkerEvent::drained, 0, 0, 0});
        has_sent_drained_ = true;
      }
      if (is_active) {
        backoff.reset();
      } else {
        local_.wait(backoff.next_s());
      }
    }
    // Rank 0 has received every result before sending stop; this only retires requests.
    while (channel_.num_pending_sends() > 0) {
      if (channel_.progress_sends() == 0)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    outcome.exit_code = *stop_code;
    outcome.outcome = *stop_code == 0 ? RunOutcome::complete : RunOutcome::interrupted;
    outcome.wall_s = seconds_since(start);
    gather_timing(channel_, local_, RankAccount{tasks_, outcome.wall_s}, outcome);
    return outcome;
  }

 private:
  void start_drain() {
    is_draining_ = true;
    local_.cancel();
  }

  detail::MpiChannel& channel_;
  detail::LocalRunner local_;
  int chunks_requested_ = 0;
  std::uint64_t tasks_ = 0;
  bool is_draining_ = false;
  bool has_requested_stop_ = false;
  bool has_sent_drained_ = false;
};
}  // namespace

DispatchOutcome run_dispatch(const std::vector<TaskRange>& pending, ResultSink* sink,
                             const TaskFunction& task, const DispatchOptions& options) {
  if (options.threads < 1) {
    throw ConfigError("execution.threads", std::to_string(options.threads), "an integer >= 1");
  }
  // Every rank checks the same options, so a bad value fails on all ranks alike.
  (void)GuidedScheduler({}, make_schedule(options, 1));
  StopSignalScope signals;
  detail::MpiChannel channel;
  if (channel.rank() == 0 && sink == nullptr) {
    throw std::invalid_argument("run_dispatch: rank 0 needs a result sink");
  }
  const auto total_threads = static_cast<std::uint64_t>(channel.sum_over_ranks(options.threads));
  DispatchOutcome outcome;
  try {
    if (channel.rank() == 0) {
      outcome = RootLoop(channel, pending, *sink, task, options, total_threads).run();
    } else {
      outcome = WorkerLoop(channel, task, options).run();
    }
  } catch (const std::exception& e) {
    // The other ranks wait for this one inside the protocol: no way back but ending the
    // job (mpirun then reports it), rather than a hang.
    std::fprintf(stderr, "simorch: rank %d: fatal: %s\n", channel.rank(), e.what());
    abort_all_ranks(exit_code::runtime_failure);
  }
  outcome.ranks = channel.size();
  outcome.total_threads = static_cast<int>(total_threads);
  return outcome;
}

}  // namespace simorch::dist
