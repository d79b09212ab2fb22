#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "simorch/mpi/dispatcher.hpp"

namespace simorch::mpi {

/// Rank 0's progress display: on a terminal a live bar (done/total, rate, ETA) redrawn at
/// most 10 times a second; otherwise (SLURM logs) one line every `line_interval_s`.
class ProgressPrinter {
 public:
  /// `done_before` tasks were finished by earlier segments of a resumed study.
  ProgressPrinter(std::FILE* out, bool is_terminal, std::uint64_t num_tasks,
                  std::uint64_t done_before, double line_interval_s = 5.0);

  /// Feed from DispatchOptions::on_progress.
  void update(const DispatchProgress& progress);

  /// One progress text: "1,234/4,000 tasks (30.9 %), 2,345 tasks/s, ETA 1.2 s".
  static std::string format_line(const DispatchProgress& progress, std::uint64_t num_tasks,
                                 std::uint64_t done_before);

 private:
  std::FILE* out_;
  bool is_terminal_;
  std::uint64_t num_tasks_;
  std::uint64_t done_before_;
  double line_interval_s_;
  double last_print_s_ = -1;
};

}  // namespace simorch::mpi
