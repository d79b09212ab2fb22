#include "simorch/analysis/run_report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "batch_fixture.hpp"
#include "simorch/analysis/statistics.hpp"
#include "support/run_cli.hpp"

namespace simorch::analysis {
namespace {

using test::BatchFixture;
using test::ScopedTempDir;
using test::ten_task_fixture;
using test::write_batch_fixture;

const MetricSummary& metric(const RunReport& r, const std::string& name) {
  for (const MetricSummary& m : r.metrics)
    if (m.name == name) return m;
  throw std::runtime_error("no metric " + name);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RunReport, counts_outcomes_and_summarises_completed_tasks) {
  const ScopedTempDir dir("report");
  write_batch_fixture(dir / "a.h5", ten_task_fixture());
  const RunReport r = make_run_report(BatchReader(dir / "a.h5"));
  EXPECT_FALSE(r.is_partial);
  EXPECT_EQ(r.status_counts[static_cast<int>(TaskStatus::completed)], 8u);
  EXPECT_EQ(r.status_counts[static_cast<int>(TaskStatus::diverged)], 1u);
  EXPECT_EQ(r.status_counts[static_cast<int>(TaskStatus::error)], 1u);
  EXPECT_EQ(r.finished, 10u);
  EXPECT_EQ(r.successes, 6u);
  const Interval expected = wilson_interval(6, 10);
  EXPECT_DOUBLE_EQ(r.success_rate.lower, expected.lower);
  EXPECT_DOUBLE_EQ(r.success_rate.upper, expected.upper);
  // ise of the completed tasks is 1..8: type-7 p5 = 1 + 0.05·7, p50 = 4.5, p95 = 1 + 0.95·7.
  const MetricSummary& ise = metric(r, "ise");
  EXPECT_EQ(ise.quantiles.count, 8u);
  EXPECT_NEAR(ise.quantiles.p5, 1.35, 1e-12);
  EXPECT_NEAR(ise.quantiles.p50, 4.5, 1e-12);
  EXPECT_NEAR(ise.quantiles.p95, 7.65, 1e-12);
  EXPECT_NEAR(metric(r, "control_energy").quantiles.p50, 9.0, 1e-12);
  // Two completed tasks never settled: NaN, ignored and counted.
  const MetricSummary& settling = metric(r, "settling_time");
  EXPECT_EQ(settling.quantiles.count, 6u);
  EXPECT_EQ(settling.quantiles.nan_count, 2u);
  EXPECT_NEAR(settling.quantiles.p50, 3.5, 1e-12);
  EXPECT_EQ(r.error_count, 1u);
}

TEST(RunReport, summarises_failure_times_over_the_failed_tasks) {
  const ScopedTempDir dir("report");
  write_batch_fixture(dir / "a.h5", ten_task_fixture());
  const RunReport r = make_run_report(BatchReader(dir / "a.h5"));
  EXPECT_EQ(r.failed, 2u);
  ASSERT_EQ(r.failure_metrics.size(), 1u);
  // The diverged task failed at 1.5 s, the error at 0.5 s; completed tasks (NaN) are not in.
  const MetricSummary& failure = r.failure_metrics[0];
  EXPECT_EQ(failure.name, "failure_time_s");
  EXPECT_EQ(failure.quantiles.count, 2u);
  EXPECT_EQ(failure.quantiles.nan_count, 0u);
  EXPECT_NEAR(failure.quantiles.p50, 1.0, 1e-12);
  EXPECT_NEAR(failure.quantiles.p5, 0.55, 1e-12);
  const std::string text = format_report_text(r);
  EXPECT_TRUE(contains(text, "Failure times over the 2 failed tasks")) << text;

  BatchFixture without = ten_task_fixture();
  without.failure_time_s.clear();  // a file that predates the column
  write_batch_fixture(dir / "b.h5", without);
  EXPECT_TRUE(make_run_report(BatchReader(dir / "b.h5")).failure_metrics.empty());
}

TEST(RunReport, derives_timing_figures_and_the_amdahl_prediction) {
  const ScopedTempDir dir("report");
  write_batch_fixture(dir / "a.h5", ten_task_fixture());
  const RunReport r = make_run_report(BatchReader(dir / "a.h5"));
  ASSERT_EQ(r.segments.size(), 1u);
  EXPECT_DOUBLE_EQ(r.figures.utilisation, 32.0 / 40.0);
  EXPECT_DOUBLE_EQ(r.figures.load_imbalance, 9.0 / 8.0);
  EXPECT_DOUBLE_EQ(r.figures.serial_fraction, 0.1);
  // 1 s serial + 4 cores × 9 s parallel = 37 s on one core.
  EXPECT_DOUBLE_EQ(r.figures.parallel_fraction, 36.0 / 37.0);
  ASSERT_EQ(r.amdahl.size(), 11u);
  EXPECT_EQ(r.amdahl.back().cores, 1024);
  EXPECT_NEAR(r.amdahl[2].speedup, 3.7, 1e-12);  // N = 4 gives back the measured 37 s / 10 s
  EXPECT_LT(r.amdahl.back().speedup, 37.0);      // bounded by 1/(1 − P)
}

TEST(RunReport, says_when_the_file_is_partial) {
  const ScopedTempDir dir("report");
  BatchFixture f = ten_task_fixture();
  f.run_state = "interrupted";
  for (int i = 6; i < 10; ++i) {
    f.status[static_cast<std::size_t>(i)] = TaskStatus::pending;
    f.success[static_cast<std::size_t>(i)] = 0;
  }
  f.segments[0].outcome = RunOutcome::interrupted;
  f.segments[0].tasks_done = 6;
  write_batch_fixture(dir / "a.h5", f);
  const RunReport r = make_run_report(BatchReader(dir / "a.h5"));
  EXPECT_TRUE(r.is_partial);
  EXPECT_TRUE(contains(r.partial_reason, "interrupted")) << r.partial_reason;
  EXPECT_TRUE(contains(r.partial_reason, "4 of 10 tasks pending")) << r.partial_reason;
  EXPECT_EQ(r.finished, 6u);
  EXPECT_DOUBLE_EQ(r.success_rate.estimate, 1.0);
  const std::string text = format_report_text(r);
  EXPECT_TRUE(contains(text, "PARTIAL FILE")) << text;
  EXPECT_TRUE(contains(text, "--resume")) << text;
  EXPECT_TRUE(contains(text, "Timing of segment 0 (interrupted)")) << text;
  const std::string json = format_report_json(r);
  EXPECT_TRUE(contains(json, "\"is_partial\": true")) << json;
}

TEST(RunReport, of_a_killed_run_without_timing_says_so) {
  const ScopedTempDir dir("report");
  BatchFixture f = ten_task_fixture();
  f.run_state = "running";
  f.has_timing_group = false;
  f.status[9] = TaskStatus::pending;
  write_batch_fixture(dir / "a.h5", f);
  const RunReport r = make_run_report(BatchReader(dir / "a.h5"));
  EXPECT_TRUE(r.is_partial);
  EXPECT_TRUE(contains(r.partial_reason, "writer was killed")) << r.partial_reason;
  EXPECT_TRUE(r.amdahl.empty());
  const std::string text = format_report_text(r);
  EXPECT_TRUE(contains(text, "Timing: none recorded")) << text;
  EXPECT_TRUE(std::isnan(r.figures.utilisation));
  EXPECT_TRUE(contains(format_report_json(r), "\"utilisation\": null"));
}

TEST(RunReport, text_shows_every_section) {
  const ScopedTempDir dir("report");
  write_batch_fixture(dir / "a.h5", ten_task_fixture());
  const std::string text = format_report_text(make_run_report(BatchReader(dir / "a.h5")));
  for (const char* part :
       {"controller classical_smc", "integrator rk4", "completed", "Success rate  6 of 10",
        "Wilson", "settling_time", "node-b", "load imbalance 1.125", "utilisation 0.8",
        "Amdahl prediction", "1024", "dp45 step fell below", "ms/task"})
    EXPECT_TRUE(contains(text, part)) << "missing '" << part << "' in\n" << text;
  EXPECT_FALSE(contains(text, "PARTIAL"));
}

}  // namespace
}  // namespace simorch::analysis
