// Verdict on the dip-smc-pso reference gains (tuned by PSO on that project's models) on
// simorch's nominal `full` plant. Expected here: none of them balances it, because every
// reference surface has all-positive weights and no such surface has stable sliding
// dynamics with absolute angles (smc_test.cpp, SlidingSurface). docs/controllers.md
// records the verdict.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>

#include "closed_loop.hpp"
#include "simorch/control/controller.hpp"

namespace simorch {
namespace {

const std::filesystem::path kReferenceConfig = std::filesystem::path(SIMORCH_SOURCE_DIR) / ".." /
                                               "shared" / "reference" / "dip-smc-pso-config.yaml";

/// The seed's `<section>.<name>` controller settings as a ControllerConfig.
ControllerConfig reference_config(const YAML::Node& node, ControllerKind kind) {
  ControllerConfig config;
  config.kind = kind;
  config.gains = node["gains"].as<std::vector<double>>();
  if (node["max_force"]) config.max_force = node["max_force"].as<double>();
  if (node["boundary_layer"]) config.boundary_layer = node["boundary_layer"].as<double>();
  if (node["damping_gain"]) config.damping_gain = node["damping_gain"].as<double>();
  if (node["leak_rate"]) config.leak_rate = node["leak_rate"].as<double>();
  if (node["dead_zone"]) config.dead_zone = node["dead_zone"].as<double>();
  if (node["adapt_rate_limit"]) config.adapt_rate_limit = node["adapt_rate_limit"].as<double>();
  if (node["K_min"]) config.k_min = node["K_min"].as<double>();
  if (node["K_max"]) config.k_max = node["K_max"].as<double>();
  return config;
}

class ReferenceGains : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kReferenceConfig)) {
      GTEST_SKIP() << "reference config not present at " << kReferenceConfig
                   << " (it belongs to the dip-smc-pso project, not to simorch)";
    }
    root_ = YAML::LoadFile(kReferenceConfig.string());
  }

  /// Runs the section's gains for `name` and asserts the plant falls within 8 s.
  void expect_falls(const std::string& name, ControllerKind kind) {
    const YAML::Node node = root_[GetParam()][name];
    ASSERT_TRUE(node && node["gains"]) << GetParam() << "." << name << ".gains missing";
    const ControllerConfig config = reference_config(node, kind);
    ASSERT_NO_THROW(validate(config, GetParam() + "." + name));
    const DipModel plant = test::nominal_full_plant();
    for (double dt_s : {0.01, 0.001}) {
      const auto controller = make_controller(config, plant);
      const test::ClosedLoopRun run =
          test::run_closed_loop(*controller, plant, test::tilted_start(), dt_s, 8.0);
      EXPECT_FALSE(run.stayed_up) << GetParam() << "." << name << " at dt " << dt_s
                                  << " balanced the full plant: update docs/controllers.md";
    }
  }

  YAML::Node root_;
};

TEST_P(ReferenceGains, classical_smc_does_not_stabilise_the_nominal_full_plant) {
  expect_falls("classical_smc", ControllerKind::classical_smc);
}

TEST_P(ReferenceGains, sta_smc_does_not_stabilise_the_nominal_full_plant) {
  expect_falls("sta_smc", ControllerKind::sta_smc);
}

TEST_P(ReferenceGains, adaptive_smc_does_not_stabilise_the_nominal_full_plant) {
  expect_falls("adaptive_smc", ControllerKind::adaptive_smc);
}

// `controllers` is what the seed runs; `controller_defaults` holds its older PSO results
// (the sta_smc gains differ between the two).
INSTANTIATE_TEST_SUITE_P(Sections, ReferenceGains,
                         ::testing::Values("controllers", "controller_defaults"));

}  // namespace
}  // namespace simorch
