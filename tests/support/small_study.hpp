#pragma once

// The small study the module tests start from, written once.

#include <cstdint>
#include <string>
#include <string_view>

namespace simorch::test {

/// `samples` LQR tasks of 1 s at dt 0.01 s (100 steps, rk4, full model) from seed `seed`,
/// the link angles starting uniform within ±`angle_spread` rad of upright. Callers append
/// the sections they need (output:, physics_uncertainty:, execution:).
inline std::string lqr_study_text(std::uint64_t samples, std::uint64_t seed,
                                  std::string_view angle_spread = "0.1") {
  const std::string spread(angle_spread);
  return R"(simulation:
  duration: 1.0
  dt: 0.01
  model: full
  integrator: rk4
controllers:
  lqr:
    q: [10, 100, 100, 1, 1, 1]
    r: 0.1
monte_carlo:
  samples: )" +
         std::to_string(samples) + "\n  seed: " + std::to_string(seed) + R"(
  controller: lqr
  initial_state:
    distribution: uniform
    spread: [0, )" +
         spread + ", " + spread + ", 0, 0, 0]\n";
}

}  // namespace simorch::test
