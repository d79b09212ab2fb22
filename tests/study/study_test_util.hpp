#pragma once

// Small studies written inline by the study tests.

#include <string>
#include <string_view>

#include "simorch/study/study.hpp"
#include "support/small_study.hpp"

namespace simorch::test {

/// A valid study with every section simorch owns; tests append or replace pieces.
inline std::string base_study() {
  return "physics:\n  cart_mass: 1.5\n" + lqr_study_text(100, 7) + "output:\n  path: out.h5\n";
}

/// parse_study with the current folder as base.
inline Study parse(std::string_view yaml) {
  return parse_study(yaml, ".");
}

}  // namespace simorch::test
