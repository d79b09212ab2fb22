#include "simorch/analysis/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace simorch::analysis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Type 7 on values already sorted and free of NaN.
double sorted_quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty() || !(p >= 0.0 && p <= 1.0)) return nan;
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = h - static_cast<double>(lo);
  // Equal neighbours (also ±inf) must not produce inf − inf = NaN.
  if (frac == 0.0 || sorted[lo] == sorted[hi]) return sorted[lo];
  return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

std::vector<double> sorted_without_nan(std::span<const double> values) {
  std::vector<double> kept;
  kept.reserve(values.size());
  for (double v : values)
    if (!std::isnan(v)) kept.push_back(v);
  std::sort(kept.begin(), kept.end());
  return kept;
}

}  // namespace

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double z) {
  if (trials == 0) return {nan, 0.0, 1.0};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(std::min(successes, trials)) / n;
  const double z2 = z * z;
  const double denominator = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  // The interval contains p; rounding would leave 1 − 1e-16 as the upper end of p = 1.
  return {p, std::clamp(centre - half, 0.0, p), std::clamp(centre + half, p, 1.0)};
}

double quantile(std::span<const double> values, double p) {
  return sorted_quantile(sorted_without_nan(values), p);
}

QuantileSummary summarize_quantiles(std::span<const double> values) {
  const std::vector<double> sorted = sorted_without_nan(values);
  QuantileSummary summary;
  summary.count = sorted.size();
  summary.nan_count = values.size() - sorted.size();
  summary.p5 = sorted_quantile(sorted, 0.05);
  summary.p50 = sorted_quantile(sorted, 0.50);
  summary.p95 = sorted_quantile(sorted, 0.95);
  return summary;
}

}  // namespace simorch::analysis
