#pragma once

// Small studies written inline by the study tests.

#include <string>
#include <string_view>

#include "simorch/study/study.hpp"

namespace simorch::test {

/// A valid study with every section simorch owns; tests append or replace pieces.
inline std::string base_study() {
  return R"(physics:
  cart_mass: 1.5
simulation:
  duration: 1.0
  dt: 0.01
  model: full
  integrator: rk4
controllers:
  lqr:
    q: [10, 100, 100, 1, 1, 1]
    r: 0.1
monte_carlo:
  samples: 100
  seed: 7
  controller: lqr
  initial_state:
    distribution: uniform
    spread: [0, 0.1, 0.1, 0, 0, 0]
output:
  path: out.h5
)";
}

/// parse_study with the current folder as base.
inline Study parse(std::string_view yaml) {
  return parse_study(yaml, ".");
}

}  // namespace simorch::test
