#include "simorch/study/stopping_rule.hpp"

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <limits>
#include <numbers>

#include "simorch/error.hpp"

namespace simorch {

namespace {

// Half-width of the Wilson interval around a rate p over n trials (before clamping to
// [0, 1], which only narrows it).
double wilson_half_width(double p, double n, double z) noexcept {
  const double z2 = z * z;
  return z / (1.0 + z2 / n) * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
}

}  // namespace

RateInterval wilson_score_interval(std::uint64_t successes, std::uint64_t trials,
                                   double z) noexcept {
  if (trials == 0) return {std::numeric_limits<double>::quiet_NaN(), 0.0, 1.0};
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(std::min(successes, trials)) / n;
  const double centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
  const double half = wilson_half_width(p, n, z);
  // The interval contains p; rounding would leave 1 − 1e-16 as the upper end of p = 1.
  return {p, std::clamp(centre - half, 0.0, p), std::clamp(centre + half, p, 1.0)};
}

double two_sided_z(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw Error("two_sided_z: confidence must lie in (0, 1)");
  }
  return std::numbers::sqrt2 * boost::math::erf_inv(confidence);
}

bool StopRule::is_met(std::uint64_t successes, std::uint64_t samples) const {
  // Judged at the end of the interval nearest 0.5, where the interval is widest, rather
  // than at the estimate: a run whose estimate is by chance too close to 0 or 1 would
  // otherwise look precise early and stop with an interval that misses the true rate
  // more often than stated (docs/study-file.md, "Stopping at a precision").
  const double z = two_sided_z(confidence);
  const RateInterval interval = wilson_score_interval(successes, samples, z);
  const double pessimistic = std::clamp(0.5, interval.lower, interval.upper);
  return wilson_half_width(pessimistic, static_cast<double>(samples), z) <= half_width;
}

StopTracker::StopTracker(const StopRule& rule, std::uint64_t num_groups, std::uint64_t max_samples)
    : rule_(rule), max_samples_(max_samples), groups_(num_groups) {
  for (Group& group : groups_) group.outcome.assign(max_samples, 0);
}

void StopTracker::record(std::uint64_t group_index, std::uint64_t sample, bool is_success) {
  Group& group = groups_[group_index];
  if (group.stop || sample >= max_samples_ || group.outcome[sample] != 0) return;
  group.outcome[sample] = is_success ? 2 : 1;
  while (group.prefix < max_samples_ && group.outcome[group.prefix] != 0) {
    group.prefix_successes += group.outcome[group.prefix] == 2 ? 1U : 0U;
    ++group.prefix;
    // Only at the looks, in order: the first one that meets the rule is the stop.
    if (rule_.is_active() && rule_.is_look(group.prefix) &&
        rule_.is_met(group.prefix_successes, group.prefix)) {
      group.stop = group.prefix;
      group.outcome = {};  // nothing past the stop is read again
      return;
    }
  }
}

std::optional<std::uint64_t> StopTracker::stop_point(std::uint64_t group) const noexcept {
  return groups_[group].stop;
}

bool StopTracker::is_needed(std::uint64_t group, std::uint64_t sample) const noexcept {
  const auto& stop = groups_[group].stop;
  return !stop || sample < *stop;
}

}  // namespace simorch
