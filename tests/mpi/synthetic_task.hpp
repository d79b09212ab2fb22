#pragma once
// A task function whose results are a known function of the task id, and a result sink
// that keeps everything in memory: they let the dispatcher be tested without physics.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "simorch/mpi/dispatcher.hpp"

namespace simorch::mpi::test {

/// Deterministic summary of task `id`; trajectories hold id-dependent values.
inline TaskSummary synthetic_summary(std::uint64_t id, TrajectoryOut out) {
  TaskSummary s;
  s.task_id = id;
  const auto x = static_cast<double>(id);
  s.ise = std::sin(x) + x;
  s.itae = std::sqrt(x);
  s.max_abs_u = x * 0.5;
  for (int k = 0; k < 6; ++k) s.final_state[k] = x + k;
  s.steps = static_cast<std::int64_t>(id % 97);
  s.status = id % 11 == 5 ? TaskStatus::diverged : TaskStatus::completed;
  for (std::size_t k = 0; k < out.state.size(); ++k)
    out.state[k] = x * 1000 + static_cast<double>(k);
  for (std::size_t k = 0; k < out.control.size(); ++k) out.control[k] = -x - static_cast<double>(k);
  return s;
}

/// Burns roughly `us` microseconds of CPU (not a sleep: contention must show).
inline void spin_for_us(double us) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double, std::micro>(us);
  while (std::chrono::steady_clock::now() < end) {
  }
}

/// Rank 0's sink: every written row, checked for duplicates.
class MemorySink : public ResultSink {
 public:
  explicit MemorySink(std::int64_t samples = 0, double write_delay_s = 0, int fail_on_write = -1)
      : samples_(samples), write_delay_s_(write_delay_s), fail_on_write_(fail_on_write) {}

  void write(std::span<const TaskSummary> summaries, std::span<const double> states,
             std::span<const double> controls) override {
    if (writes_++ == fail_on_write_) throw std::runtime_error("disk full (test)");
    if (write_delay_s_ > 0)
      std::this_thread::sleep_for(std::chrono::duration<double>(write_delay_s_));
    const auto n = static_cast<std::size_t>(samples_);
    if (states.size() != summaries.size() * n * 6 || controls.size() != summaries.size() * n) {
      throw std::runtime_error("trajectory spans do not match the summaries");
    }
    for (std::size_t i = 0; i < summaries.size(); ++i) {
      const auto id = summaries[i].task_id;
      if (!rows.emplace(id, summaries[i]).second) ++duplicates;
      states_by_id[id].assign(states.begin() + static_cast<std::ptrdiff_t>(i * n * 6),
                              states.begin() + static_cast<std::ptrdiff_t>((i + 1) * n * 6));
      controls_by_id[id].assign(controls.begin() + static_cast<std::ptrdiff_t>(i * n),
                                controls.begin() + static_cast<std::ptrdiff_t>((i + 1) * n));
    }
  }
  void checkpoint() override { ++checkpoints; }

  std::map<std::uint64_t, TaskSummary> rows;
  std::map<std::uint64_t, std::vector<double>> states_by_id;
  std::map<std::uint64_t, std::vector<double>> controls_by_id;
  int duplicates = 0;
  int checkpoints = 0;

 private:
  std::int64_t samples_;
  double write_delay_s_;
  int fail_on_write_;
  int writes_ = 0;
};

}  // namespace simorch::mpi::test
