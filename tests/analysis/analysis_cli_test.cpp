// `simorch report` and `simorch scaling` run as a user runs them, on hand-made batch files.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "batch_fixture.hpp"
#include "support/run_cli.hpp"

namespace simorch {
namespace {

using test::BatchFixture;
using test::CliResult;
using test::run_program;
using test::run_simorch;
using test::ScopedTempDir;
using test::ten_task_fixture;
using test::write_batch_fixture;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A finished run of the ten-task study on `ranks` × `threads` taking `wall_s`.
std::filesystem::path write_run(const ScopedTempDir& dir, const std::string& name, int ranks,
                                int threads, double wall_s) {
  BatchFixture f = ten_task_fixture();
  SegmentTiming& s = f.segments[0];
  s.ranks = ranks;
  s.threads_per_rank = threads;
  s.wall_s = wall_s;
  s.setup_s = 0.1;
  s.finalize_s = 0.1;
  s.rank_timing.clear();
  s.thread_timing.clear();
  for (int r = 0; r < ranks; ++r) {
    s.rank_timing.push_back({r, "host", threads, 1, threads * (wall_s - 0.2), 0, 0, wall_s, 1});
    for (int t = 0; t < threads; ++t) s.thread_timing.push_back({r, t, 1, wall_s - 0.2});
  }
  const auto path = dir / name;
  write_batch_fixture(path, f);
  return path;
}

TEST(ReportCli, prints_the_report_of_a_finished_run) {
  const ScopedTempDir dir("report-cli");
  write_batch_fixture(dir / "a.h5", ten_task_fixture());
  const CliResult r = run_simorch({"report", (dir / "a.h5").string()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "Success rate  6 of 10")) << r.out;
  EXPECT_TRUE(contains(r.out, "Amdahl prediction")) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(ReportCli, json_output_is_valid_json_with_the_same_figures) {
  const ScopedTempDir dir("report-cli");
  write_batch_fixture(dir / "a.h5", ten_task_fixture());
  const CliResult r = run_simorch({"report", (dir / "a.h5").string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const auto json_path = dir.write_file("report.json", r.out);
  // A real JSON parser reads it back (Python's, present wherever the plots are drawn).
  const CliResult check = run_program(
      "/usr/bin/python3", {"-c",
                           "import json, sys; d = json.load(open(sys.argv[1])); "
                           "assert d['tasks']['successes'] == 6, d['tasks']; "
                           "assert d['tasks']['by_status']['diverged'] == 1; "
                           "assert abs(d['metrics']['ise']['p50'] - 4.5) < 1e-12; "
                           "assert d['metrics']['settling_time']['nan_count'] == 2; "
                           "assert d['failed'] == 2; "
                           "assert abs(d['failure_metrics']['failure_time_s']['p50'] - 1.0) "
                           "< 1e-12; "
                           "assert d['file']['is_partial'] is False; "
                           "assert len(d['timing']['segments'][0]['thread_timing']) == 4; "
                           "assert d['timing']['amdahl_prediction'][-1]['cores'] == 1024",
                           json_path.string()});
  EXPECT_EQ(check.exit_code, 0) << check.describe() << "\n" << r.out;
}

TEST(ReportCli, refuses_a_foreign_or_newer_file_with_exit_2_and_one_line) {
  const ScopedTempDir dir("report-cli");
  BatchFixture f = ten_task_fixture();
  f.format_version = 7;
  write_batch_fixture(dir / "new.h5", f);
  CliResult r = run_simorch({"report", (dir / "new.h5").string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  ASSERT_EQ(r.err_lines().size(), 1u) << r.describe();
  EXPECT_TRUE(contains(r.err, "format_version 7 is newer")) << r.err;
  const auto text = dir.write_file("notes.txt", "not hdf5");
  r = run_simorch({"report", text.string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_EQ(r.err_lines().size(), 1u) << r.describe();
}

TEST(ScalingCli, prints_the_table_and_the_amdahl_fit_of_a_strong_series) {
  const ScopedTempDir dir("scaling-cli");
  // P = 0.9 exactly: T(N) = 10·(0.1 + 0.9/N).
  std::vector<std::string> args = {"scaling"};
  const int layouts[][2] = {{1, 1}, {1, 2}, {2, 1}, {2, 2}, {4, 2}};
  for (const auto& l : layouts) {
    const int n = l[0] * l[1];
    // Appended piecewise: GCC 12 warns (-Wrestrict, a false positive: GCC bug 105329) on
    // the chained operator+ here.
    std::string name = "r";
    name += std::to_string(l[0]);
    name += 't';
    name += std::to_string(l[1]);
    name += ".h5";
    args.push_back(write_run(dir, name, l[0], l[1], 10.0 * (0.1 + 0.9 / n)).string());
  }
  CliResult r = run_simorch(args);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "strong scaling, 5 runs")) << r.out;
  EXPECT_TRUE(contains(r.out, "P = 0.90000")) << r.out;
  args.push_back("--csv");
  r = run_simorch(args);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::istringstream csv(r.out);
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("kind,cores,ranks,threads_per_rank,tasks,wall_s,speedup", 0), 0u) << line;
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    EXPECT_EQ(line.rfind("strong,", 0), 0u) << line;
  }
  EXPECT_EQ(rows, 5);
}

TEST(ScalingCli, refuses_mixed_studies_with_exit_2) {
  const ScopedTempDir dir("scaling-cli");
  const auto a = write_run(dir, "a.h5", 1, 1, 10.0);
  BatchFixture other = ten_task_fixture();
  other.study_hash = "fedcba9876543210";
  other.study_canonical = "monte_carlo.tasks = 10\nmonte_carlo.seed = 8\n";
  write_batch_fixture(dir / "b.h5", other);
  const CliResult r = run_simorch({"scaling", a.string(), (dir / "b.h5").string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  ASSERT_EQ(r.err_lines().size(), 1u) << r.describe();
  EXPECT_TRUE(contains(r.err, "different study")) << r.err;
}

TEST(ScalingCli, refuses_an_unfinished_run_with_exit_2) {
  const ScopedTempDir dir("scaling-cli");
  const auto a = write_run(dir, "a.h5", 1, 1, 10.0);
  BatchFixture f = ten_task_fixture();
  f.run_state = "interrupted";
  f.status[9] = TaskStatus::pending;
  write_batch_fixture(dir / "b.h5", f);
  const CliResult r = run_simorch({"scaling", a.string(), (dir / "b.h5").string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "not a finished run")) << r.err;
}

}  // namespace
}  // namespace simorch
