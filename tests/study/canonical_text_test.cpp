#include <fmt/core.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "simorch/study/study.hpp"
#include "study_test_util.hpp"

namespace simorch {
namespace {

using test::base_study;
using test::parse;

const char* reordered_study = R"(# The same study as base_study(), written differently.
output: {path: elsewhere.h5}   # output paths do not change results
execution: {threads: 2, max_chunk: 16}
monte_carlo:
  initial_state:
    spread: [0.0, 1e-1, 0.10, 0, 0, 0]
    distribution: uniform
  controller: lqr
  seed: 7
  samples: 100
controllers:
  lqr: {r: 0.1, q: [10, 100, 100, 1, 1, 1]}
simulation: {integrator: rk4, model: full, dt: 1e-2, duration: 1}
physics: {cart_mass: 1.50}
)";

TEST(CanonicalText, ignores_comments_key_order_number_spelling_output_and_execution) {
  const Study a = parse(base_study());
  const Study b = parse(reordered_study);
  EXPECT_EQ(canonical_text(a), canonical_text(b));
  EXPECT_EQ(study_hash(a), study_hash(b));
}

TEST(CanonicalText, changes_with_every_setting_that_changes_results) {
  const std::string base_hash = study_hash(parse(base_study()));
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"dt: 0.01", "dt: 0.02"},
      {"seed: 7", "seed: 8"},
      {"samples: 100", "samples: 101"},
      {"model: full", "model: simplified"},
      {"integrator: rk4", "integrator: euler"},
      {"r: 0.1", "r: 0.2"},
      {"cart_mass: 1.5", "cart_mass: 1.6"},
      {"distribution: uniform", "distribution: normal"},
      {"path: out.h5", "path: out.h5\n  save_every: 10"},
  };
  for (const auto& [from, to] : edits) {
    std::string yaml = base_study();
    yaml.replace(yaml.find(from), from.size(), to);
    EXPECT_NE(study_hash(parse(yaml)), base_hash) << from << " -> " << to;
  }
}

TEST(CanonicalText, prints_doubles_so_they_read_back_exactly) {
  const Study study =
      parse("simulation: {dt: 0.30000000000000004, duration: 3}\nmonte_carlo: {controller: lqr}");
  const std::string text = canonical_text(study);
  const std::string line = "simulation.dt = ";
  const auto at = text.find(line);
  ASSERT_NE(at, std::string::npos) << text;
  const std::string value = text.substr(at + line.size(), text.find('\n', at) - at - line.size());
  EXPECT_EQ(std::stod(value), 0.1 + 0.2);
  EXPECT_NE(std::stod(value), 0.3);
}

TEST(StudyHash, is_the_fnv1a_64_of_the_canonical_text_in_16_hex_digits) {
  const Study study = parse(base_study());
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : canonical_text(study)) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  EXPECT_EQ(study_hash(study), fmt::format("{:016x}", hash));
  EXPECT_EQ(study_hash(study).size(), 16u);
}

}  // namespace
}  // namespace simorch
