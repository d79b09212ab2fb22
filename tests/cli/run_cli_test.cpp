// The shared runner (tests/support/run_cli.hpp) that every CLI test relies on.
#include "support/run_cli.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <stdexcept>

namespace simorch::test {
namespace {

TEST(RunCli, captures_exit_code_and_both_streams) {
  const CliResult result =
      run_program("sh", {"-c", "echo out; echo err >&2; echo err2 >&2; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\nerr2\n");
  EXPECT_EQ(result.err_lines(), (std::vector<std::string>{"err", "err2"}));
  EXPECT_FALSE(result.timed_out);
}

TEST(RunCli, runs_in_the_given_folder_with_the_given_environment) {
  const ScopedTempDir dir("runcli");
  RunOptions options;
  options.working_dir = dir.path();
  options.env["SIMORCH_RUN_CLI_TEST"] = "value";
  const CliResult result =
      run_program("sh", {"-c", "pwd; echo \"$SIMORCH_RUN_CLI_TEST\""}, options);
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out, std::filesystem::canonical(dir.path()).string() + "\nvalue\n");
}

TEST(RunCli, kills_a_program_that_outlives_its_timeout) {
  RunOptions options;
  options.timeout_s = 0.2;
  const CliResult result = run_program("sleep", {"30"}, options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.term_signal, SIGKILL);
  EXPECT_EQ(result.exit_code, 128 + SIGKILL);
}

TEST(RunCli, delivers_signals_to_a_running_program) {
  CliProcess process("sleep", {"30"});
  EXPECT_TRUE(process.is_running());
  process.send_signal(SIGTERM);
  const CliResult result = process.wait(10.0);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.term_signal, SIGTERM);
}

TEST(RunCli, temp_dir_is_removed_with_its_files) {
  std::filesystem::path path;
  {
    const ScopedTempDir dir("runcli");
    path = dir.path();
    const auto file = dir.write_file("sub/a.txt", "text");
    EXPECT_TRUE(std::filesystem::exists(file));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(RunCli, a_missing_program_is_an_exception_not_an_exit_code) {
  EXPECT_THROW((void)run_program("simorch-no-such-program", {}), std::runtime_error);
}

TEST(RunCli, finds_the_simorch_program) {
  const CliResult result = run_simorch({"--version"});
  EXPECT_EQ(result.exit_code, 0) << result.describe();
  EXPECT_EQ(result.out.rfind("simorch ", 0), 0u) << result.out;
}

}  // namespace
}  // namespace simorch::test
