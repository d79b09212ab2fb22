#include "simorch/analysis/run_figures.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace simorch::analysis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double ratio(double numerator, double denominator) {
  return denominator > 0.0 ? numerator / denominator : nan;
}

double max_over_mean(const std::vector<double>& values) {
  if (values.empty()) return nan;
  double sum = 0.0;
  double max = values.front();
  for (double v : values) {
    sum += v;
    max = std::max(max, v);
  }
  return ratio(max, sum / static_cast<double>(values.size()));
}

// Busy time of every pool thread; from the rank rows when the thread rows are missing.
std::vector<double> thread_busy(const SegmentTiming& s) {
  std::vector<double> busy;
  if (!s.thread_timing.empty()) {
    for (const ThreadTiming& t : s.thread_timing) busy.push_back(t.busy_s);
    return busy;
  }
  for (const RankTiming& r : s.rank_timing) {
    const int threads = std::max(r.threads, 1);
    for (int t = 0; t < threads; ++t) busy.push_back(r.compute_s / threads);
  }
  return busy;
}

SegmentFigures segment_figures(const SegmentTiming& s) {
  SegmentFigures f;
  f.segment = s.segment;
  f.cores = s.ranks * s.threads_per_rank;
  f.wall_s = s.wall_s;
  f.serial_s = s.setup_s + s.finalize_s;
  const std::vector<double> busy = thread_busy(s);
  for (double b : busy) f.busy_s += b;
  const double n = static_cast<double>(f.cores);
  const double parallel_s = std::max(0.0, s.wall_s - f.serial_s);
  f.utilisation = busy.empty() ? nan : ratio(f.busy_s, n * s.wall_s);
  f.parallel_efficiency = busy.empty() ? nan : ratio(f.busy_s, n * parallel_s);
  f.load_imbalance = max_over_mean(busy);
  std::vector<double> rank_compute;
  for (const RankTiming& r : s.rank_timing) rank_compute.push_back(r.compute_s);
  f.rank_imbalance = max_over_mean(rank_compute);
  f.serial_fraction = ratio(f.serial_s, s.wall_s);
  f.one_core_estimate_s = f.serial_s + n * parallel_s;
  return f;
}

}  // namespace

double amdahl_speedup(double parallel_fraction, double cores) {
  return 1.0 / ((1.0 - parallel_fraction) + parallel_fraction / cores);
}

RunFigures compute_run_figures(std::span<const SegmentTiming> segments) {
  RunFigures run;
  double core_seconds = 0.0;
  double one_core_s = 0.0;
  bool has_busy = false;
  run.load_imbalance = nan;
  for (const SegmentTiming& s : segments) {
    SegmentFigures f = segment_figures(s);
    run.wall_s += f.wall_s;
    run.serial_s += f.serial_s;
    run.busy_s += f.busy_s;
    has_busy = has_busy || !std::isnan(f.utilisation);
    core_seconds += static_cast<double>(f.cores) * f.wall_s;
    one_core_s += f.one_core_estimate_s;
    // NaN (a segment without rows) must not hide the imbalance of the others.
    if (!std::isnan(f.load_imbalance) &&
        (std::isnan(run.load_imbalance) || f.load_imbalance > run.load_imbalance))
      run.load_imbalance = f.load_imbalance;
    run.segments.push_back(f);
  }
  run.utilisation = has_busy ? ratio(run.busy_s, core_seconds) : nan;
  run.serial_fraction = ratio(run.serial_s, run.wall_s);
  run.one_core_estimate_s = one_core_s;
  run.parallel_fraction = one_core_s > 0.0 ? 1.0 - run.serial_s / one_core_s : nan;
  return run;
}

}  // namespace simorch::analysis
