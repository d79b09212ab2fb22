#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace simorch {

/// A success rate with its two-sided Wilson score interval (Wilson 1927).
struct RateInterval {
  double estimate = 0;
  double lower = 0;
  double upper = 0;
  double half_width() const noexcept { return 0.5 * (upper - lower); }
};

/// Wilson score interval of `successes` of `trials` at the normal quantile `z`. Unlike the
/// Wald interval it stays inside [0, 1] and keeps its coverage near 0 and 1, where the
/// success rates of controllers live. With no trials: estimate NaN, interval [0, 1].
RateInterval wilson_score_interval(std::uint64_t successes, std::uint64_t trials,
                                   double z) noexcept;

/// z of a two-sided normal interval at `confidence` ∈ (0, 1): Φ⁻¹((1 + confidence) / 2).
double two_sided_z(double confidence);

/// monte_carlo.stop: stop sampling a case (at a grid point) once the Wilson interval of its
/// success rate, over the contiguous prefix of samples 0 … n−1, is at most `half_width`
/// wide on each side. Looked at only at n = check_every, 2·check_every, … with
/// n ≥ min_samples, so the stopping point is a function of the results alone.
struct StopRule {
  double half_width = 0;  ///< 0: no rule (every sample runs)
  double confidence = 0.95;
  std::uint64_t min_samples = 0;
  std::uint64_t check_every = 1;

  bool is_active() const noexcept { return half_width > 0; }
  /// n is a point where the rule is looked at.
  bool is_look(std::uint64_t samples) const noexcept {
    return samples >= min_samples && samples > 0 && samples % check_every == 0;
  }
  /// `successes` of the first `samples` samples meet the precision.
  bool is_met(std::uint64_t successes, std::uint64_t samples) const;
};

/// Decides, for every group (a case at a grid point), where its sampling stops, from
/// results that arrive in any order: it follows the contiguous prefix of finished samples
/// of each group and applies the rule at each look that prefix passes. The decision is
/// therefore the same for every layout, chunk size and resume. Not thread-safe.
class StopTracker {
 public:
  StopTracker(const StopRule& rule, std::uint64_t num_groups, std::uint64_t max_samples);

  /// Sample `sample` of `group` finished, successfully or not. Results of samples past a
  /// group's stop are ignored; recording a sample twice keeps the first result.
  void record(std::uint64_t group, std::uint64_t sample, bool is_success);

  /// How many samples the group runs: its stop once decided, else nullopt (max_samples
  /// when it ends without meeting the rule, which is only known once all have finished).
  std::optional<std::uint64_t> stop_point(std::uint64_t group) const noexcept;
  /// Samples 0 … prefix−1 of the group have finished (frozen once its stop is decided).
  std::uint64_t prefix(std::uint64_t group) const noexcept { return groups_[group].prefix; }
  /// Sample `sample` of `group` is still needed (not past a decided stop).
  bool is_needed(std::uint64_t group, std::uint64_t sample) const noexcept;

 private:
  struct Group {
    std::vector<std::uint8_t> outcome;  ///< per sample: 0 not finished, 1 failure, 2 success
    std::uint64_t prefix = 0;           ///< samples 0 … prefix−1 have finished
    std::uint64_t prefix_successes = 0;
    std::optional<std::uint64_t> stop;
  };
  StopRule rule_;
  std::uint64_t max_samples_;
  std::vector<Group> groups_;
};

}  // namespace simorch
