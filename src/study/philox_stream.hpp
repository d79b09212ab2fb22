#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <numbers>

namespace simorch::study_detail {

/// What a stream of task i draws; each purpose has its own counter space, so changing
/// the initial-state distribution leaves the sampled parameters of every task unchanged.
enum class StreamPurpose : std::uint64_t { initial_state = 0, parameters = 1 };

/// Counter-based random stream of one task: Philox4x64-10 keyed by (study seed, task id),
/// counter (block, purpose, 0, 0). A pure function of its inputs, so any rank or thread
/// draws the same numbers for the same task (design.md, "Determinism").
class PhiloxStream {
 public:
  PhiloxStream(std::uint64_t seed, std::uint64_t task_id, StreamPurpose purpose) noexcept
      : key_{{seed, task_id}}, counter_{{0, static_cast<std::uint64_t>(purpose), 0, 0}} {}

  /// Next 64 random bits.
  std::uint64_t next_bits() noexcept {
    if (used_ == block_.size()) {
      block_ = philox_(counter_, key_);
      counter_.v[0] += 1;
      used_ = 0;
    }
    return block_.v[used_++];
  }

  /// Uniform double in [0, 1) from the top 53 bits: every value is a multiple of 2^-53.
  double next_uniform() noexcept { return static_cast<double>(next_bits() >> 11) * 0x1p-53; }

  /// Two independent standard normal values (Box–Muller).
  void next_normal_pair(double& z0, double& z1) noexcept {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const double radius = std::sqrt(-2.0 * std::log(1.0 - next_uniform()));
    const double angle = 2.0 * std::numbers::pi * next_uniform();
    z0 = radius * std::cos(angle);
    z1 = radius * std::sin(angle);
  }

 private:
  r123::Philox4x64 philox_;
  r123::Philox4x64::key_type key_;
  r123::Philox4x64::ctr_type counter_;
  r123::Philox4x64::ctr_type block_{};
  std::size_t used_ = 4;
};

}  // namespace simorch::study_detail
