// `simorch validate`: exit 0 and a summary for valid studies, exit 2 and one line naming
// the bad key for invalid ones. Runs the real program.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/run_cli.hpp"

namespace simorch {
namespace {

using test::CliResult;
using test::run_simorch;
using test::ScopedTempDir;

const std::filesystem::path examples = std::filesystem::path(SIMORCH_SOURCE_DIR) / "examples";

/// A valid study that each bad case breaks in one place.
const std::string valid_study = R"(physics:
  cart_mass: 1.5
  pendulum1_com: 0.2
physics_uncertainty:
  cart_mass: 0.05
simulation:
  dt: 0.01
  duration: 2.0
  model: full
  integrator: rk4
  initial_state: [0, 0.05, -0.03, 0, 0, 0]
controllers:
  classical_smc:
    gains: [23.07, 12.85, 5.51, 3.49, 2.23, 0.15]
    boundary_layer: 0.3
monte_carlo:
  samples: 100
  seed: 3
  controller: classical_smc
  initial_state:
    distribution: uniform
    spread: [0, 0.1, 0.1, 0, 0, 0]
output:
  path: out.h5
execution:
  threads: 2
  min_chunk: 1
  max_chunk: 64
)";

/// One bad study: `from` in valid_study replaced by `to`, and the key path the
/// one-line error must name.
struct BadStudy {
  const char* name;
  const char* from;
  const char* to;
  const char* key_path;
};

std::ostream& operator<<(std::ostream& out, const BadStudy& c) {
  return out << c.name;
}

const BadStudy bad_studies[] = {
    {"unknown_monte_carlo_key", "samples: 100", "sample: 100", "monte_carlo.sample"},
    {"negative_samples", "samples: 100", "samples: -5", "monte_carlo.samples"},
    {"zero_samples", "samples: 100", "samples: 0", "monte_carlo.samples"},
    {"negative_seed", "seed: 3", "seed: -1", "monte_carlo.seed"},
    {"zero_dt", "dt: 0.01", "dt: 0", "simulation.dt"},
    {"negative_dt", "dt: 0.01", "dt: -0.01", "simulation.dt"},
    {"duration_below_dt", "duration: 2.0", "duration: 0.001", "simulation.duration"},
    {"dt_not_a_number", "dt: 0.01", "dt: fast", "simulation.dt"},
    {"conflicting_duplicate_dt", "dt: 0.01", "dt: 0.01\n  dt: 0.02", "simulation.dt"},
    {"unknown_integrator", "integrator: rk4", "integrator: rk45", "simulation.integrator"},
    {"unknown_model", "model: full", "model: exact", "simulation.model"},
    {"min_step_above_dt", "integrator: rk4", "integrator: dp45\n  min_step: 0.1",
     "simulation.min_step"},
    {"zero_rtol", "integrator: rk4", "integrator: dp45\n  rtol: 0", "simulation.rtol"},
    {"unknown_bounds_key", "model: full", "model: full\n  bounds: {max_x: 3}",
     "simulation.bounds.max_x"},
    {"initial_state_of_five", "[0, 0.05, -0.03, 0, 0, 0]", "[0, 0.05, -0.03, 0, 0]",
     "simulation.initial_state"},
    {"unknown_controller", "controller: classical_smc", "controller: pid_controller",
     "monte_carlo.controller"},
    {"gains_of_wrong_length", "gains: [23.07, 12.85, 5.51, 3.49, 2.23, 0.15]",
     "gains: [23.07, 12.85, 5.51]", "controllers.classical_smc"},
    {"misspelt_controller_key", "boundary_layer: 0.3", "boundary_layr: 0.3",
     "controllers.classical_smc.boundary_layr"},
    {"unknown_distribution", "distribution: uniform", "distribution: gaussian",
     "monte_carlo.initial_state.distribution"},
    {"spread_of_five", "spread: [0, 0.1, 0.1, 0, 0, 0]", "spread: [0, 0.1, 0.1, 0, 0]",
     "monte_carlo.initial_state.spread"},
    {"negative_spread", "spread: [0, 0.1, 0.1, 0, 0, 0]", "spread: -0.1",
     "monte_carlo.initial_state.spread"},
    {"spread_with_fixed", "distribution: uniform", "distribution: fixed",
     "monte_carlo.initial_state.spread"},
    {"missing_state_file", "distribution: uniform\n    spread: [0, 0.1, 0.1, 0, 0, 0]",
     "distribution: file\n    file: no_such_states.csv", "monte_carlo.initial_state.file"},
    {"state_file_of_unknown_type", "distribution: uniform\n    spread: [0, 0.1, 0.1, 0, 0, 0]",
     "distribution: file\n    file: states.json", "monte_carlo.initial_state.file"},
    {"unknown_output_key", "path: out.h5", "file: out.h5", "output.file"},
    {"negative_save_every", "path: out.h5", "path: out.h5\n  save_every: -1", "output.save_every"},
    {"unknown_execution_key", "threads: 2", "thread: 2", "execution.thread"},
    {"max_chunk_below_min_chunk", "max_chunk: 64", "max_chunk: 0", "execution.max_chunk"},
    {"negative_mass", "cart_mass: 1.5", "cart_mass: -1", "physics.cart_mass"},
    {"com_beyond_link", "pendulum1_com: 0.2", "pendulum1_com: 0.5", "physics.pendulum1_com"},
    {"misspelt_physics_key", "cart_mass: 1.5\n  pendulum1", "cart_mas: 1.5\n  pendulum1",
     "physics.cart_mas"},
    {"uncertainty_fraction_of_one", "physics_uncertainty:\n  cart_mass: 0.05",
     "physics_uncertainty:\n  cart_mass: 1.0", "physics_uncertainty.cart_mass"},
    {"uncertainty_moves_com_off_link", "physics_uncertainty:\n  cart_mass: 0.05",
     "physics_uncertainty:\n  pendulum1_com: 0.9\n  pendulum1_length: 0.2",
     "physics_uncertainty.pendulum1_com"},
    {"misspelt_section", "monte_carlo:", "monte_carol:", "monte_carol"},
    {"yaml_syntax_error", "seed: 3", "seed: [3", "line"},
};

class ValidateRejects : public ::testing::TestWithParam<BadStudy> {};

TEST_P(ValidateRejects, with_exit_code_2_and_one_line_naming_the_key) {
  const BadStudy& c = GetParam();
  std::string yaml = valid_study;
  const auto at = yaml.find(c.from);
  ASSERT_NE(at, std::string::npos) << "test case does not apply: " << c.from;
  yaml.replace(at, std::string(c.from).size(), c.to);
  const ScopedTempDir dir("validate");
  const auto study = dir.write_file("study.yaml", yaml);

  const CliResult result = run_simorch({"validate", study.string()});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  const auto lines = result.err_lines();
  ASSERT_EQ(lines.size(), 1u) << result.describe();
  EXPECT_NE(lines[0].find(c.key_path), std::string::npos)
      << "expected '" << c.key_path << "' in: " << lines[0];
  EXPECT_EQ(lines[0].rfind("simorch: error: ", 0), 0u) << lines[0];
}

INSTANTIATE_TEST_SUITE_P(BadStudies, ValidateRejects, ::testing::ValuesIn(bad_studies),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(Validate, base_case_of_the_bad_studies_is_valid) {
  const ScopedTempDir dir("validate");
  const CliResult result =
      run_simorch({"validate", dir.write_file("s.yaml", valid_study).string()});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_NE(result.out.find("tasks: 100\n"), std::string::npos) << result.out;
}

TEST(Validate, quickstart_prints_what_it_would_run) {
  const CliResult result = run_simorch({"validate", (examples / "quickstart.yaml").string()});
  ASSERT_EQ(result.exit_code, 0) << result.describe();
  for (const char* line :
       {"tasks: 4000\n", "model: full\n", "controller: lqr\n", "integrator: rk4\n", "dt: 0.01 s\n",
        "duration: 5 s\n", "steps per task: 500\n", "trajectory samples per task: 0\n",
        "output: out/quickstart.h5\n", "estimated output size: "}) {
    EXPECT_NE(result.out.find(line), std::string::npos) << line << " not in:\n" << result.out;
  }
  EXPECT_TRUE(result.err.empty()) << result.err;
}

TEST(Validate, every_example_study_is_valid) {
  for (const char* name :
       {"quickstart.yaml", "tiny.yaml", "with_trajectories.yaml", "from_file.yaml"}) {
    const CliResult result = run_simorch({"validate", (examples / name).string()});
    EXPECT_EQ(result.exit_code, 0) << name << "\n" << result.describe();
  }
}

TEST(Validate, trajectory_samples_and_file_rows_are_reported) {
  CliResult result = run_simorch({"validate", (examples / "with_trajectories.yaml").string()});
  EXPECT_NE(result.out.find("trajectory samples per task: 101 (every 5 steps)"), std::string::npos)
      << result.out;
  result = run_simorch({"validate", (examples / "from_file.yaml").string()});
  EXPECT_NE(result.out.find("tasks: 49\n"), std::string::npos) << result.out;
}

TEST(Validate, missing_study_file_exits_2) {
  const CliResult result = run_simorch({"validate", "/nonexistent/study.yaml"});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  ASSERT_EQ(result.err_lines().size(), 1u) << result.describe();
  EXPECT_NE(result.err.find("/nonexistent/study.yaml"), std::string::npos);
}

TEST(Validate, dip_smc_pso_config_is_valid_with_one_warning) {
  const auto reference =
      std::filesystem::path(SIMORCH_SOURCE_DIR) / "../shared/reference/dip-smc-pso-config.yaml";
  if (!std::filesystem::exists(reference)) {
    GTEST_SKIP() << "the dip-smc-pso reference config is not at " << reference;
  }
  const CliResult result = run_simorch({"validate", reference.string()});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  ASSERT_EQ(result.err_lines().size(), 1u) << result.describe();
  EXPECT_EQ(result.err_lines()[0].rfind("simorch: warning: ", 0), 0u);
  EXPECT_NE(result.out.find("controller: classical_smc\n"), std::string::npos);
  EXPECT_NE(result.out.find("model: simplified\n"), std::string::npos);
}

}  // namespace
}  // namespace simorch

namespace simorch {
namespace {

TEST(Validate, canonical_flag_prints_what_the_hash_covers) {
  const test::ScopedTempDir dir("validate");
  // The same study twice, with different comments, key order, spelling and output path.
  const auto a = dir.write_file("a.yaml",
                                "monte_carlo: {controller: lqr, samples: 10, seed: 5}\n"
                                "simulation: {dt: 0.01}\noutput: {path: a.h5}\n");
  const auto b = dir.write_file("b.yaml",
                                "# b\nsimulation: {dt: 1e-2}\n"
                                "monte_carlo: {seed: 5, samples: 10, controller: lqr}\n"
                                "output: {path: b.h5}\n");
  const test::CliResult first = test::run_simorch({"validate", "--canonical", a.string()});
  const test::CliResult second = test::run_simorch({"validate", "--canonical", b.string()});
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  EXPECT_EQ(first.out, second.out);
  EXPECT_NE(first.out.find("simulation.dt = 0.01\n"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("monte_carlo.tasks = 10\n"), std::string::npos) << first.out;
  EXPECT_EQ(first.out.find("a.h5"), std::string::npos) << "the output path is not a result";
}

}  // namespace
}  // namespace simorch
