#pragma once

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstddef>
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
  double next_uniform() noexcept { return to_uniform(next_bits()); }

  /// The next `n` uniforms, the same values as n calls of next_uniform(). The Philox
  /// blocks are computed in one loop without dependencies between them, so the CPU
  /// overlaps them (a block is a chain of ten multiply rounds; a plant draws four blocks).
  template <std::size_t n>
  std::array<double, n> next_uniforms() noexcept {
    std::array<double, n> out;
    std::size_t i = 0;
    for (; i < n && used_ < block_.size(); ++i) out[i] = to_uniform(block_.v[used_++]);
    constexpr std::size_t max_blocks = (n + 3) / 4;
    std::array<r123::Philox4x64::ctr_type, max_blocks> blocks;
    const std::size_t count = (n - i + 3) / 4;
    for (std::size_t b = 0; b < count; ++b) {
      auto counter = counter_;
      counter.v[0] += b;
      blocks[b] = philox_(counter, key_);
    }
    for (std::size_t b = 0; b < count; ++b) {
      block_ = blocks[b];
      counter_.v[0] += 1;
      for (used_ = 0; used_ < block_.size() && i < n; ++i) out[i] = to_uniform(block_.v[used_++]);
    }
    return out;
  }

  /// Two independent standard normal values (Box–Muller).
  void next_normal_pair(double& z0, double& z1) noexcept {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const double radius = std::sqrt(-2.0 * std::log(1.0 - next_uniform()));
    const double angle = 2.0 * std::numbers::pi * next_uniform();
    z0 = radius * std::cos(angle);
    z1 = radius * std::sin(angle);
  }

 private:
  static double to_uniform(std::uint64_t bits) noexcept {
    return static_cast<double>(bits >> 11) * 0x1p-53;
  }

  r123::Philox4x64 philox_;
  r123::Philox4x64::key_type key_;
  r123::Philox4x64::ctr_type counter_;
  r123::Philox4x64::ctr_type block_{};
  std::size_t used_ = 4;
};

}  // namespace simorch::study_detail
