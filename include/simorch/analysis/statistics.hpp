#pragma once

#include <cstdint>
#include <span>

namespace simorch::analysis {

/// A point estimate with a two-sided confidence interval.
struct Interval {
  double estimate = 0;
  double lower = 0;
  double upper = 0;
};

/// z of the two-sided 95 % normal interval (Φ⁻¹(0.975)).
inline constexpr double z_95 = 1.959963984540054;

/// Wilson score interval of a binomial proportion (Wilson 1927), `successes` of `trials`.
/// Unlike the Wald interval it stays inside [0, 1] and keeps its coverage near 0 and 1,
/// where success rates of controllers live. With no trials the estimate is NaN and the
/// interval [0, 1] (nothing is known).
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z = z_95);

/// Quantile `p` ∈ [0, 1] of `values` by linear interpolation between order statistics
/// (Hyndman & Fan 1996 type 7, the default of R, NumPy and Excel): with the n finite-or-
/// infinite values sorted as x₀ ≤ … ≤ xₙ₋₁ and h = (n − 1)·p, the result is
/// x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋). NaN values are ignored; NaN when none is left.
double quantile(std::span<const double> values, double p);

/// The p5 / p50 / p95 summary of one column, and how many values it was taken over.
struct QuantileSummary {
  std::uint64_t count = 0;      ///< values that are not NaN
  std::uint64_t nan_count = 0;  ///< NaN values that were ignored
  double p5 = 0;
  double p50 = 0;
  double p95 = 0;
};

/// p5, p50 and p95 (type 7, NaN ignored) of `values` in one sort.
QuantileSummary summarize_quantiles(std::span<const double> values);

}  // namespace simorch::analysis
