#include "simorch/analysis/paired_statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

namespace simorch::analysis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double square(double v) {
  return v * v;
}

// Newcombe's φ̂: the correlation of the pairs, with ad − bc > n/2 reduced by n/2 and
// 0 ≤ ad − bc ≤ n/2 set to 0 (Newcombe 1998, eq. under method 10); 0 when a margin is empty.
double newcombe_phi(const PairedCounts& c) {
  const auto a = static_cast<double>(c.both);
  const auto b = static_cast<double>(c.only_first);
  const auto cc = static_cast<double>(c.only_second);
  const auto d = static_cast<double>(c.neither);
  const double n = a + b + cc + d;
  const double margins = (a + b) * (cc + d) * (a + cc) * (b + d);
  if (margins == 0.0) return 0.0;
  const double cross = a * d - b * cc;
  double numerator = cross;
  if (cross > n / 2)
    numerator = cross - n / 2;
  else if (cross >= 0)
    numerator = 0.0;
  return numerator / std::sqrt(margins);
}

}  // namespace

Interval paired_rate_difference(const PairedCounts& counts, double z) {
  const std::uint64_t n = counts.pairs();
  if (n == 0) return {nan, -1.0, 1.0};
  const Interval first = wilson_interval(counts.both + counts.only_first, n, z);
  const Interval second = wilson_interval(counts.both + counts.only_second, n, z);
  const double p1 = first.estimate;
  const double p2 = second.estimate;
  const double phi = newcombe_phi(counts);
  const double delta = p1 - p2;
  const double below = std::sqrt(
      std::max(0.0, square(p1 - first.lower) - 2 * phi * (p1 - first.lower) * (second.upper - p2) +
                        square(second.upper - p2)));
  const double above = std::sqrt(
      std::max(0.0, square(p2 - second.lower) - 2 * phi * (p2 - second.lower) * (first.upper - p1) +
                        square(first.upper - p1)));
  return {delta, std::max(-1.0, delta - below), std::min(1.0, delta + above)};
}

MeanInterval mean_interval(std::span<const double> differences, double confidence) {
  MeanInterval m;
  // Welford's update: no cancellation for metrics with a large mean and a small spread.
  double mean = 0.0;
  double m2 = 0.0;
  for (const double v : differences) {
    if (!std::isfinite(v)) continue;
    ++m.count;
    const double step = v - mean;
    mean += step / static_cast<double>(m.count);
    m2 += step * (v - mean);
  }
  m.mean = m.count > 0 ? mean : nan;
  if (m.count < 2) {
    m.standard_deviation = m.lower = m.upper = nan;
    return m;
  }
  const auto n = static_cast<double>(m.count);
  m.standard_deviation = std::sqrt(m2 / (n - 1));
  const boost::math::students_t t(n - 1);
  const double half =
      boost::math::quantile(t, 0.5 + confidence / 2) * m.standard_deviation / std::sqrt(n);
  m.lower = mean - half;
  m.upper = mean + half;
  return m;
}

}  // namespace simorch::analysis
