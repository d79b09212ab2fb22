#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "simorch/error.hpp"
#include "simorch/study/study.hpp"
#include "study_test_util.hpp"
#include "support/bad_studies.hpp"

namespace simorch {
namespace {

using test::base_study;
using test::parse;

TEST(ParseStudy, reads_every_simorch_section) {
  const Study study = parse(base_study() + R"(execution:
  threads: 3
  min_chunk: 2
  max_chunk: 64
  stop_timeout_s: 5
)");
  EXPECT_EQ(study.num_tasks(), 100u);
  EXPECT_EQ(study.monte_carlo.seed, 7u);
  EXPECT_EQ(study.controller.kind, ControllerKind::lqr);
  EXPECT_EQ(study.sim.model, ModelKind::full);
  EXPECT_EQ(study.sim.integrator.kind, IntegratorKind::rk4);
  EXPECT_DOUBLE_EQ(study.sim.dt, 0.01);
  EXPECT_DOUBLE_EQ(study.sim.duration, 1.0);
  EXPECT_EQ(study.sim.num_steps(), 100);
  EXPECT_EQ(study.initial_state.kind, InitialStateKind::uniform);
  EXPECT_DOUBLE_EQ(study.initial_state.spread[1], 0.1);
  EXPECT_EQ(study.output.path, "out.h5");
  EXPECT_EQ(study.execution.threads, 3);
  EXPECT_EQ(study.execution.min_chunk, 2u);
  EXPECT_EQ(study.execution.max_chunk, 64u);
  EXPECT_DOUBLE_EQ(study.execution.stop_timeout_s, 5.0);
  EXPECT_TRUE(study.warnings.empty()) << study.warnings.front();
  EXPECT_EQ(study.text, base_study() + R"(execution:
  threads: 3
  min_chunk: 2
  max_chunk: 64
  stop_timeout_s: 5
)");
}

TEST(ParseStudy, empty_sections_take_the_documented_defaults) {
  const Study study = parse("monte_carlo:\n  controller: lqr\n");
  const DipParams defaults;
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    EXPECT_EQ(study.nominal.at(i), defaults.at(i)) << DipParams::names[i];
  }
  EXPECT_EQ(study.num_tasks(), 1u);
  EXPECT_EQ(study.monte_carlo.seed, 0u);
  EXPECT_EQ(study.sim.model, ModelKind::full);
  EXPECT_EQ(study.sim.integrator.kind, IntegratorKind::rk4);
  EXPECT_FALSE(study.uncertainty.is_active());
  EXPECT_EQ(study.initial_state.kind, InitialStateKind::fixed);
  EXPECT_EQ(study.sim.save_every, 0);
}

TEST(ParseStudy, spread_of_one_number_applies_to_every_component) {
  std::string yaml = base_study();
  yaml.replace(yaml.find("[0, 0.1, 0.1, 0, 0, 0]"), 22, "0.02");
  const Study study = parse(yaml);
  for (const double spread : study.initial_state.spread) EXPECT_DOUBLE_EQ(spread, 0.02);
}

TEST(ParseStudy, model_key_overrides_use_full_dynamics) {
  EXPECT_EQ(
      parse("simulation: {use_full_dynamics: false}\nmonte_carlo: {controller: lqr}").sim.model,
      ModelKind::simplified);
  EXPECT_EQ(
      parse("simulation: {use_full_dynamics: true}\nmonte_carlo: {controller: lqr}").sim.model,
      ModelKind::full);
  EXPECT_EQ(parse("simulation: {use_full_dynamics: false, model: full}\n"
                  "monte_carlo: {controller: lqr}")
                .sim.model,
            ModelKind::full);
}

TEST(ParseStudy, counts_accept_scientific_notation) {
  const Study study = parse("monte_carlo: {controller: lqr, samples: 1e6}");
  EXPECT_EQ(study.num_tasks(), 1'000'000u);
}

TEST(ParseStudy, controller_defaults_gains_are_the_fallback) {
  const Study study = parse(R"(
controller_defaults:
  classical_smc:
    gains: [5, 5, 5, 0.5, 0.5, 0.5]
controllers:
  classical_smc:
    boundary_layer: 0.2
monte_carlo: {controller: classical_smc}
)");
  EXPECT_EQ(study.controller.kind, ControllerKind::classical_smc);
  EXPECT_EQ(study.controller.gains, (std::vector<double>{5, 5, 5, 0.5, 0.5, 0.5}));
  EXPECT_DOUBLE_EQ(study.controller.boundary_layer, 0.2);
}

TEST(ParseStudy, identical_duplicate_keys_are_accepted) {
  const Study study = parse("simulation:\n  dt: 0.02\n  dt: 0.02\nmonte_carlo: {controller: lqr}");
  EXPECT_DOUBLE_EQ(study.sim.dt, 0.02);
}

TEST(ParseStudy, unknown_seed_sections_give_one_warning_listing_them) {
  const Study study = parse(base_study() + "pso: {n_particles: 40}\nhil: {plant_port: 9000}\n");
  ASSERT_EQ(study.warnings.size(), 1u);
  EXPECT_NE(study.warnings[0].find("pso"), std::string::npos);
  EXPECT_NE(study.warnings[0].find("hil"), std::string::npos);
}

TEST(ParseStudy, non_integer_number_of_periods_warns) {
  const Study study =
      parse("simulation: {dt: 0.03, duration: 1.0}\nmonte_carlo: {controller: lqr}");
  ASSERT_EQ(study.warnings.size(), 1u);
  EXPECT_NE(study.warnings[0].find("not a multiple of dt"), std::string::npos);
}

std::string with(const std::string& from, const std::string& to) {
  std::string yaml = base_study();
  const auto at = yaml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  yaml.replace(at, from.size(), to);
  return yaml;
}

/// Whether the `allowed` part of a ConfigError says what would be accepted: a range or
/// bound, the list of names, a type, a count, or when the key may be used at all (style.md,
/// "Errors"). A YAML syntax error names the line instead: no value was read.
bool states_what_is_allowed(std::string_view allowed) {
  for (const std::string_view wording :
       {"allowed", "expected", "valid:", "did you mean", "a number", "an integer", "numbers", ">",
        "<", "in (", "in [", "exactly", "keep one", "true or false", "a list", "a map",
        "only used with", "required", "YAML syntax error"}) {
    if (allowed.find(wording) != std::string_view::npos) return true;
  }
  return false;
}

// The bad studies of tests/data/bad_studies (the same table tests/cli/validate_test.cpp
// runs through `simorch validate`): each is refused before any work, in one line naming
// the key path and what is allowed.
class ParseStudyRejects : public testing::TestWithParam<test::BadStudy> {};

TEST_P(ParseStudyRejects, naming_the_key_path_and_what_is_allowed) {
  const test::BadStudy& c = GetParam();
  try {
    (void)parse(test::bad_study_text(c));
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(e.key_path().find(c.key_path), std::string::npos) << e.what();
    EXPECT_TRUE(states_what_is_allowed(e.allowed())) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  } catch (const IoError& e) {  // an initial-state file that cannot be read
    EXPECT_TRUE(e.is_bad_input()) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.key_path), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(BadStudies, ParseStudyRejects, testing::ValuesIn(test::bad_studies()),
                         [](const auto& case_info) { return case_info.param.name; });

TEST(ParseStudy, unknown_key_error_names_the_closest_valid_key) {
  try {
    (void)parse(with("seed: 7", "sede: 7"));
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "monte_carlo.sede");
    EXPECT_NE(std::string(e.what()).find("did you mean 'seed'"), std::string::npos) << e.what();
  }
}

TEST(ParseStudy, wrong_gain_count_is_reported_under_the_controller) {
  try {
    (void)parse(
        "controllers:\n  classical_smc:\n    gains: [1, 2, 3]\n"
        "monte_carlo: {controller: classical_smc}\n");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path().rfind("controllers.classical_smc", 0), 0u) << e.what();
  }
}

TEST(ParseStudy, yaml_syntax_error_is_a_config_error_with_the_line) {
  try {
    (void)parse("monte_carlo:\n  samples: [1, 2\n");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("line"), std::string::npos) << e.what();
  }
}

TEST(LoadStudy, missing_file_is_an_io_error_of_bad_input) {
  try {
    (void)load_study("/nonexistent/study.yaml");
    FAIL() << "loaded";
  } catch (const IoError& e) {
    EXPECT_TRUE(e.is_bad_input());
    EXPECT_EQ(e.file(), "/nonexistent/study.yaml");
  }
}

}  // namespace
}  // namespace simorch

namespace simorch {
namespace {

TEST(InitialStateKindNames, read_back_as_the_same_distribution) {
  for (const InitialStateKind kind :
       {InitialStateKind::fixed, InitialStateKind::uniform, InitialStateKind::normal}) {
    const std::string spread = kind == InitialStateKind::fixed ? "" : ", spread: 0.01";
    const Study study =
        test::parse("monte_carlo: {controller: lqr, initial_state: {distribution: " +
                    std::string(to_string(kind)) + spread + "}}");
    EXPECT_EQ(study.initial_state.kind, kind) << to_string(kind);
  }
  EXPECT_EQ(to_string(InitialStateKind::file), "file");
}

}  // namespace
}  // namespace simorch

namespace simorch {
namespace {

TEST(ParseStudy, block_style_values_are_shown_on_one_line_in_errors) {
  try {
    (void)test::parse("simulation:\n  initial_state:\n    - 0\n    - 0.05\n    - -0.03\n");
    FAIL() << "accepted 3 numbers";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "simulation.initial_state");
    EXPECT_EQ(e.value(), "[0, 0.05, -0.03]");
  }
}

}  // namespace
}  // namespace simorch
