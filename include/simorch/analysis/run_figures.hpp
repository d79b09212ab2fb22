#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "simorch/io/run_timing.hpp"

namespace simorch::analysis {

/// Amdahl's law: speedup on `cores` cores of a program whose fraction
/// `parallel_fraction` (of its one-core time) runs perfectly in parallel:
/// S(N) = 1 / ((1 − P) + P/N).
double amdahl_speedup(double parallel_fraction, double cores);

/// Figures of one run segment, from its /timing rows (docs/scaling.md).
struct SegmentFigures {
  std::int32_t segment = 0;
  std::int32_t cores = 0;          ///< N = ranks × threads_per_rank
  double wall_s = 0;               ///< the segment's wall time on rank 0
  double serial_s = 0;             ///< setup_s + finalize_s: the parts no other core helps with
  double busy_s = 0;               ///< Σ busy_s of the pool threads
  double utilisation = 0;          ///< Σ busy / (N · wall)
  double parallel_efficiency = 0;  ///< Σ busy / (N · (wall − serial)): the dispatch loop alone
  double load_imbalance = 0;       ///< max / mean busy_s over the pool threads (1 = balanced)
  double rank_imbalance = 0;       ///< max / mean compute_s over the ranks
  double serial_fraction = 0;      ///< serial_s / wall_s, measured at N cores
  double one_core_estimate_s = 0;  ///< serial_s + N·(wall_s − serial_s): the same work on one core
};

/// Figures of a whole run: every timed segment and their combination.
struct RunFigures {
  std::vector<SegmentFigures> segments;
  double wall_s = 0;               ///< Σ segment walls
  double serial_s = 0;             ///< Σ serial parts
  double busy_s = 0;               ///< Σ thread busy time
  double utilisation = 0;          ///< Σ busy / Σ (N_k · wall_k)
  double load_imbalance = 0;       ///< the worst segment's
  double serial_fraction = 0;      ///< serial_s / wall_s
  double one_core_estimate_s = 0;  ///< Σ of the segments' one-core estimates
  /// Amdahl's P referred to one core: 1 − serial_s / Σ one_core_estimate_s. The
  /// measured serial parts are the only serial time counted, so the curve it predicts
  /// is an upper bound: idle and communication time also grow with N.
  double parallel_fraction = 0;
};

/// Computes the figures of `segments` (the /timing of one batch file). Per-thread
/// figures come from thread rows; a segment without them falls back to its rank rows
/// (compute_s spread evenly over the rank's threads). Figures that cannot be formed
/// (no segment, zero wall) are NaN.
RunFigures compute_run_figures(std::span<const SegmentTiming> segments);

}  // namespace simorch::analysis
