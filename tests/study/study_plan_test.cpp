#include "simorch/study/study_plan.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/study/make_task.hpp"
#include "study_test_util.hpp"

namespace simorch {
namespace {

StudyPlan plan_of(const std::string& yaml) {
  return StudyPlan::parse(yaml, ".");
}

const std::string uncertain = test::base_study() + R"(physics_uncertainty:
  pendulum1_mass: 0.1
  pendulum1_length: 0.1
)";

const std::string two_cases = uncertain + R"(cases:
  - name: lqr
    monte_carlo: {controller: lqr}
  - name: classical
    monte_carlo: {controller: classical_smc}
    controllers: {classical_smc: {gains: [5.76, -22.8, 222, -578, 32.6, 3.13]}}
)";

std::string expect_config_error(const std::string& yaml) {
  try {
    plan_of(yaml);
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return {};
}

TEST(StudyPlan, a_study_without_cases_or_grid_is_one_case_with_the_same_tasks_and_hash) {
  const StudyPlan plan = plan_of(uncertain);
  const Study study = test::parse(uncertain);
  ASSERT_EQ(plan.num_cases(), 1u);
  EXPECT_EQ(plan.case_names()[0], "base");
  EXPECT_EQ(plan.num_points(), 1u);
  EXPECT_EQ(plan.num_tasks(), study.num_tasks());
  EXPECT_EQ(plan.canonical_text(), canonical_text(study));
  for (std::uint64_t id = 0; id < plan.num_tasks(); id += 17) {
    const TaskSpec a = plan.make_task(id);
    const TaskSpec b = make_task(study, id);
    EXPECT_EQ(std::memcmp(&a.params, &b.params, sizeof(DipParams)), 0);
    EXPECT_EQ(a.initial_state, b.initial_state);
  }
}

TEST(StudyPlan, cases_override_sections_and_share_the_draws_of_each_sample) {
  const StudyPlan plan = plan_of(two_cases);
  ASSERT_EQ(plan.num_cases(), 2u);
  EXPECT_EQ(plan.variant(0, 0).controller.kind, ControllerKind::lqr);
  EXPECT_EQ(plan.variant(1, 0).controller.kind, ControllerKind::classical_smc);
  EXPECT_EQ(plan.num_tasks(), 2 * plan.num_samples());
  for (std::uint64_t sample = 0; sample < plan.num_samples(); ++sample) {
    const TaskSpec lqr = plan.make_task(2 * sample);
    const TaskSpec classical = plan.make_task(2 * sample + 1);
    EXPECT_EQ(plan.coordinates(2 * sample + 1).case_index, 1u);
    EXPECT_EQ(plan.coordinates(2 * sample + 1).sample, sample);
    EXPECT_EQ(lqr.id, 2 * sample);
    // Common random numbers: the same plant and start in both cases.
    EXPECT_EQ(std::memcmp(&lqr.params, &classical.params, sizeof(DipParams)), 0);
    EXPECT_EQ(lqr.initial_state, classical.initial_state);
  }
  EXPECT_NE(plan.canonical_text(), plan_of(uncertain).canonical_text());
}

TEST(StudyPlan, grid_points_sweep_paths_including_defaults_with_the_last_axis_fastest) {
  const StudyPlan plan = plan_of(two_cases + R"(grid:
  monte_carlo.initial_state.nominal[1]: {from: -0.6, to: 0.6, points: 5}
  physics.pendulum1_mass: {from: 0.1, to: 0.4, points: 3, spacing: log}
  controllers.lqr.r: [0.05, 0.1]
)");
  ASSERT_EQ(plan.num_points(), 30u);
  EXPECT_EQ(plan.num_tasks(), plan.num_samples() * 2 * 30);
  std::vector<double> values(3);
  plan.point_values(0, values);
  EXPECT_EQ(values, (std::vector<double>{-0.6, 0.1, 0.05}));
  plan.point_values(29, values);
  EXPECT_EQ(values, (std::vector<double>{0.6, 0.4, 0.1}));
  plan.point_values(1 * 6 + 1 * 2 + 1, values);  // second value of every axis
  EXPECT_DOUBLE_EQ(values[0], -0.3);
  EXPECT_NEAR(values[1], 0.2, 1e-15);  // geometric middle of 0.1 and 0.4
  EXPECT_EQ(values[2], 0.1);
  const Study& at = plan.variant(0, 1 * 6 + 1 * 2 + 1);
  EXPECT_DOUBLE_EQ(at.initial_state.nominal(1), -0.3);
  EXPECT_NEAR(at.nominal.pendulum1_mass, 0.2, 1e-15);
  EXPECT_EQ(at.controller.r, 0.1);
  EXPECT_EQ(at.initial_state.nominal(2), 0.0);  // the untouched elements keep their default
  // The case's settings hold at every point.
  EXPECT_EQ(plan.variant(1, 7).controller.kind, ControllerKind::classical_smc);
  const TaskCoordinates c = plan.coordinates(61);
  EXPECT_EQ(c.sample, 1u);
  EXPECT_EQ(c.case_index, 0u);
  EXPECT_EQ(c.point, 1u);
}

TEST(StudyPlan, bad_cases_and_axes_are_one_line_errors_naming_the_key) {
  const auto check = [](const std::string& yaml, const std::string& key,
                        const std::string& allowed) {
    const std::string what = expect_config_error(yaml);
    EXPECT_NE(what.find(key), std::string::npos) << what;
    EXPECT_NE(what.find(allowed), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  };
  check(uncertain + "grid:\n  physics.pendulum9_mass: [1, 2]\n", "grid.physics.pendulum9_mass",
        "did you mean 'pendulum1_mass'");
  check(uncertain + "grid:\n  physics.inertia_scale: [1, 2]\n", "grid.physics.inertia_scale",
        "not a key of the study schema");
  check(uncertain + "grid:\n  monte_carlo.samplez: [1, 2]\n", "grid.monte_carlo.samplez",
        "samples");
  check(uncertain + "grid:\n  physics.cart_mass: []\n", "grid.physics.cart_mass",
        "at least one value");
  check(uncertain + "grid:\n  physics.cart_mass: {from: 1, to: 2, points: 0}\n",
        "grid.physics.cart_mass.points", ">= 1");
  check(uncertain + "grid:\n  physics.cart_mass: {from: -1, to: 2, points: 3, spacing: log}\n",
        "grid.physics.cart_mass.spacing", "neither zero");
  check(uncertain + "grid:\n  monte_carlo.seed: [1, 2]\n", "grid.monte_carlo.seed",
        "the same for every grid point");
  check(uncertain + "grid:\n  monte_carlo.initial_state.nominal[7]: [1, 2]\n",
        "grid.monte_carlo.initial_state.nominal[7]", "has 6 elements");
  check(uncertain + "grid:\n  physics.cart_mass: [1.0, -2.0]\n", "grid.physics.cart_mass: got '-2'",
        "> 0");
  check(two_cases + "  - name: lqr\n    monte_carlo: {controller: sta_smc}\n", "cases[2].name",
        "unique");
  check(uncertain + "cases:\n  - name: a\n    physics: {cart_mas: 2}\n", "cases[0]", "cart_mass");
  check(uncertain + "cases:\n  - name: a\n    monte_carlo: {samples: 5}\n",
        "cases[0].monte_carlo.samples", "the same for every case");
  check(uncertain + "cases:\n  - monte_carlo: {controller: lqr}\n", "cases[0].name",
        "needs a name");
}

TEST(StudyPlan, a_61_by_61_region_of_attraction_grid_of_two_controllers_builds_every_variant) {
  const StudyPlan plan = plan_of(two_cases + R"(grid:
  monte_carlo.initial_state.nominal[1]: {from: -0.6, to: 0.6, points: 61}
  monte_carlo.initial_state.nominal[2]: {from: -0.6, to: 0.6, points: 61}
)");
  EXPECT_EQ(plan.num_points(), 61u * 61u);
  EXPECT_EQ(plan.num_tasks(), plan.num_samples() * 2 * 61 * 61);
  EXPECT_DOUBLE_EQ(plan.variant(1, 61 * 61 - 1).initial_state.nominal(2), 0.6);
  EXPECT_DOUBLE_EQ(plan.variant(1, 60).initial_state.nominal(1), -0.6);
}

TEST(StudyPlan, the_single_study_parser_refuses_cases_rather_than_dropping_them) {
  EXPECT_THROW(test::parse(two_cases), ConfigError);
}

}  // namespace
}  // namespace simorch
