#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "simorch/enum_names.hpp"

namespace simorch {

/// How the samples of a study cover the unit cube of its sampled dimensions
/// (monte_carlo.sampling; docs/study-file.md, "Sampling designs").
enum class SamplingKind {
  random,  ///< independent Philox draws per sample (plain Monte Carlo)
  lhs,     ///< Latin hypercube: one sample in each of N strata of every dimension
  sobol,   ///< Owen-scrambled Sobol points (randomised quasi-Monte Carlo)
};

/// Study-file names of the designs.
template <>
inline constexpr auto enum_names<SamplingKind> = std::to_array<EnumName<SamplingKind>>(
    {{SamplingKind::random, "random"}, {SamplingKind::lhs, "lhs"}, {SamplingKind::sobol, "sobol"}});

/// Point `sample` of a design in [0, 1)^num_dims: a pure function of (kind, seed,
/// num_dims, num_samples, sample), so any rank or thread computes any point on its own
/// and nothing is stored (rank-0 memory stays flat in the number of samples).
///
/// - random: coordinate d is the d-th uniform of a Philox4x64 stream keyed by
///   (seed, sample); points are independent.
/// - lhs: coordinate d is (π_d(sample) + j) / num_samples, with π_d a pseudo-random
///   permutation of [0, num_samples) keyed by (seed, d) and j a uniform jitter; every
///   one of the num_samples strata of every dimension holds exactly one point.
/// - sobol: the Joe–Kuo Sobol point `sample` (Boost.Random) with a nested uniform (Owen)
///   scrambling keyed by (seed, d) on its first 32 digits and a uniform jitter below
///   them. Every prefix of 2^m points is balanced, and the estimate of a mean is unbiased;
///   replicates with different seeds give independent estimates (error bars).
/// Thread-safe; cheap to copy.
class SamplingDesign {
 public:
  /// Throws Error for num_dims > max_dims or num_samples == 0.
  SamplingDesign(SamplingKind kind, std::uint64_t seed, std::size_t num_dims,
                 std::uint64_t num_samples);

  /// Writes the point of `sample` to `out` (out.size() == num_dims());
  /// precondition: sample < num_samples() for lhs (its strata are sized by num_samples).
  void point(std::uint64_t sample, std::span<double> out) const;

  SamplingKind kind() const noexcept { return kind_; }
  std::size_t num_dims() const noexcept { return num_dims_; }
  std::uint64_t num_samples() const noexcept { return num_samples_; }

  /// More dimensions than a DIP study can sample (6 states + every parameter).
  static constexpr std::size_t max_dims = 64;

 private:
  SamplingKind kind_;
  std::uint64_t seed_;
  std::size_t num_dims_;
  std::uint64_t num_samples_;
};

}  // namespace simorch
