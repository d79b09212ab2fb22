#include "simorch/study/sampling_design.hpp"

#include <array>
#include <boost/random/sobol.hpp>
#include <string>

#include "philox_stream.hpp"
#include "simorch/error.hpp"

namespace simorch {
namespace {

// Separate from the task streams' purposes (philox_stream.hpp), so a design's jitter never
// reuses the draws of the plain Monte Carlo streams.
constexpr std::uint64_t lhs_permutation_purpose = 0x6c68'7300;  // "lhs"
constexpr std::uint64_t jitter_purpose = 0x6a69'7400;           // "jit"

std::uint64_t mix64(std::uint64_t x) noexcept {  // SplitMix64's finaliser (Steele et al. 2014)
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// A keyed pseudo-random permutation of [0, n): a four-round Feistel network on the
// smallest even number of bits that covers n, walked until it lands inside [0, n)
// (cycle walking, Black & Rogaway 2002). A Feistel network is a bijection for any round
// function, and cycle walking keeps it one on [0, n); the domain is < 4n, so a walk
// takes fewer than four rounds on average. No table: any rank computes any image.
std::uint64_t permute(std::uint64_t index, std::uint64_t n, std::uint64_t key) noexcept {
  if (n <= 1) return 0;
  unsigned half_bits = 1;
  while (half_bits < 32 && (std::uint64_t{1} << (2 * half_bits)) < n) ++half_bits;
  const std::uint64_t mask = (std::uint64_t{1} << half_bits) - 1;
  do {
    std::uint64_t left = index >> half_bits;
    std::uint64_t right = index & mask;
    for (std::uint64_t round = 0; round < 4; ++round) {
      const std::uint64_t f = mix64(right ^ mix64(key + round)) & mask;
      const std::uint64_t next_right = left ^ f;
      left = right;
      right = next_right;
    }
    index = (left << half_bits) | right;
  } while (index >= n);
  return index;
}

std::uint32_t reverse_bits(std::uint32_t x) noexcept {
  x = ((x >> 1) & 0x55555555U) | ((x & 0x55555555U) << 1);
  x = ((x >> 2) & 0x33333333U) | ((x & 0x33333333U) << 2);
  x = ((x >> 4) & 0x0f0f0f0fU) | ((x & 0x0f0f0f0fU) << 4);
  x = ((x >> 8) & 0x00ff00ffU) | ((x & 0x00ff00ffU) << 8);
  return (x >> 16) | (x << 16);
}

// Nested uniform (Owen) scrambling of the 32 leading binary digits: each digit is flipped
// by a hash of the digits before it. Burley, "Practical Hash-based Owen Scrambling",
// JCGT 9(4), 2020: reverse the bits, apply a Laine–Karras style hash (adding the seed and
// xoring with even multiples: output bit k depends only on input bits ≤ k; constants from
// N. Vegdahl's refinement of Burley's hash), reverse back.
std::uint32_t owen_scramble(std::uint32_t x, std::uint32_t seed) noexcept {
  x = reverse_bits(x);
  x += seed;
  x ^= x * 0x6c50b47cU;
  x ^= x * 0xb82f1e52U;
  x ^= x * 0xc7afe638U;
  x ^= x * 0x8d22f6e6U;
  return reverse_bits(x);
}

// The 32 leading bits of the Joe–Kuo direction numbers of Boost.Random's Sobol table.
// Boost's engine walks the sequence in Gray-code order and skips the origin: its position
// 2^(j+1) − 2 is the point whose Gray-code index is 2^j, i.e. direction number j itself.
using DirectionNumbers = std::array<std::array<std::uint32_t, 32>, SamplingDesign::max_dims>;

DirectionNumbers sobol_direction_numbers(std::size_t num_dims) {
  DirectionNumbers v{};
  boost::random::sobol engine(num_dims);
  for (unsigned j = 0; j < 32; ++j) {
    engine.seed((std::uint64_t{1} << (j + 1)) - 2);
    for (std::size_t d = 0; d < num_dims; ++d) v[d][j] = static_cast<std::uint32_t>(engine() >> 32);
  }
  return v;
}

const DirectionNumbers& direction_numbers() {
  static const DirectionNumbers numbers = sobol_direction_numbers(SamplingDesign::max_dims);
  return numbers;
}

// A double in [0, 1) from a 32-bit stratum index refined by the top 21 bits of a uniform:
// 53 bits in all, so the sum is exact and never rounds up to 1.
double from_digits(std::uint32_t leading, std::uint64_t random_bits) noexcept {
  const std::uint64_t digits = (std::uint64_t{leading} << 21) | (random_bits >> 43);
  return static_cast<double>(digits) * 0x1p-53;
}

}  // namespace

SamplingDesign::SamplingDesign(SamplingKind kind, std::uint64_t seed, std::size_t num_dims,
                               std::uint64_t num_samples)
    : kind_(kind), seed_(seed), num_dims_(num_dims), num_samples_(num_samples) {
  if (num_dims > max_dims) {
    throw Error("sampling design: " + std::to_string(num_dims) + " dimensions; at most " +
                std::to_string(max_dims));
  }
  if (num_samples == 0) throw Error("sampling design: no samples");
  // 32 scrambled digits: a longer Sobol sequence would repeat its points.
  if (kind == SamplingKind::sobol && num_samples > (std::uint64_t{1} << 32)) {
    throw Error("sampling design: sobol takes at most 2^32 samples");
  }
  if (kind == SamplingKind::sobol) direction_numbers();  // build the table before threads race
}

void SamplingDesign::point(std::uint64_t sample, std::span<double> out) const {
  study_detail::PhiloxStream jitter(seed_, sample,
                                    static_cast<study_detail::StreamPurpose>(jitter_purpose));
  for (std::size_t d = 0; d < num_dims_; ++d) {
    switch (kind_) {
      case SamplingKind::random:
        out[d] = jitter.next_uniform();
        break;
      case SamplingKind::lhs: {
        const std::uint64_t key = mix64(seed_ ^ mix64(lhs_permutation_purpose + d));
        const double stratum = static_cast<double>(permute(sample, num_samples_, key));
        const double u = (stratum + jitter.next_uniform()) / static_cast<double>(num_samples_);
        out[d] = u < 1.0 ? u : 0x1.fffffffffffffp-1;  // the division may round up to 1
        break;
      }
      case SamplingKind::sobol: {
        std::uint32_t x = 0;
        const auto& v = direction_numbers()[d];
        for (unsigned j = 0; j < 32 && (sample >> j) != 0; ++j) {
          if ((sample >> j) & 1U) x ^= v[j];
        }
        const auto scramble_seed = static_cast<std::uint32_t>(mix64(seed_ + d) >> 32);
        out[d] = from_digits(owen_scramble(x, scramble_seed), jitter.next_bits());
        break;
      }
    }
  }
}

}  // namespace simorch
