#pragma once

#include <cstdint>
#include <span>

#include "simorch/analysis/statistics.hpp"

namespace simorch::analysis {

/// The 2 × 2 table of paired binary outcomes: sample k of case A against sample k of case B
/// (the same plant and start: common random numbers).
struct PairedCounts {
  std::uint64_t both = 0;         ///< A and B succeeded
  std::uint64_t only_first = 0;   ///< A succeeded, B failed (discordant)
  std::uint64_t only_second = 0;  ///< A failed, B succeeded (discordant)
  std::uint64_t neither = 0;      ///< both failed
  std::uint64_t pairs() const noexcept { return both + only_first + only_second + neither; }
};

/// Difference of paired success rates p_A − p_B = (only_first − only_second) / pairs with
/// Newcombe's hybrid score interval for paired proportions (Newcombe 1998, Stat. Med. 17,
/// 2635, method 10): the Wilson intervals of the two marginal rates combined by
/// "square and add" with the correlation φ of the pairs (its numerator shrunk towards zero
/// by n/2 when positive, as Newcombe prescribes). Closed form, stays inside [−1, 1], does
/// not collapse when there are no discordant pairs, and keeps its coverage near rates of
/// 0 and 1 (Fagerland, Lydersen & Laake 2014 recommend it with Tango's score interval,
/// which needs a root search). With no pairs: estimate NaN, interval [−1, 1].
Interval paired_rate_difference(const PairedCounts& counts, double z = z_95);

/// A mean with a two-sided confidence interval.
struct MeanInterval {
  std::uint64_t count = 0;  ///< values used (NaN and ±inf ignored)
  double mean = 0;
  double standard_deviation = 0;  ///< sample standard deviation (n − 1)
  double lower = 0;
  double upper = 0;
};

/// Mean of `differences` (per-pair A − B of a metric) with the Student-t interval
/// mean ± t(1 − α/2, n − 1) · s / √n at `confidence`: the paired t interval, whose
/// variance is that of the differences, so the positive correlation of common random
/// numbers narrows it. Non-finite values are ignored. Fewer than two values: the interval
/// is NaN (and the mean too with none).
MeanInterval mean_interval(std::span<const double> differences, double confidence = 0.95);

}  // namespace simorch::analysis
