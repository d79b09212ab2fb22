// `simorch validate`: exit 0 and a summary for valid studies, exit 2 and one line naming
// the bad key for invalid ones. Runs the real program.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/bad_studies.hpp"
#include "support/run_cli.hpp"

namespace simorch {
namespace {

using test::CliResult;
using test::run_simorch;
using test::ScopedTempDir;

const std::filesystem::path examples = std::filesystem::path(SIMORCH_SOURCE_DIR) / "examples";

class ValidateRejects : public ::testing::TestWithParam<test::BadStudy> {};

TEST_P(ValidateRejects, with_exit_code_2_and_one_line_naming_the_key) {
  const test::BadStudy& c = GetParam();
  const ScopedTempDir dir("validate");
  const auto study = dir.write_file("study.yaml", test::bad_study_text(c));

  const CliResult result = run_simorch({"validate", study.string()});
  EXPECT_EQ(result.exit_code, 2) << result.describe();
  const auto lines = result.err_lines();
  ASSERT_EQ(lines.size(), 1u) << result.describe();
  EXPECT_NE(lines[0].find(c.key_path), std::string::npos)
      << "expected '" << c.key_path << "' in: " << lines[0];
  EXPECT_EQ(lines[0].rfind("simorch: error: ", 0), 0u) << lines[0];
}

INSTANTIATE_TEST_SUITE_P(BadStudies, ValidateRejects, ::testing::ValuesIn(test::bad_studies()),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(Validate, base_case_of_the_bad_studies_is_valid) {
  const ScopedTempDir dir("validate");
  const CliResult result =
      run_simorch({"validate", dir.write_file("s.yaml", test::valid_study_text()).string()});
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
