#include "simorch/analysis/study_breakdown.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "simorch/analysis/run_report.hpp"

namespace simorch::analysis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Two cases a, b on a grid of two points, three samples, laid out sample-major
// (task = (sample · 2 + case) · 2 + point). Outcomes, by case, point and sample
// (S settled, U completed unsettled, F out_of_bounds, P pending):
//   a: point 0 S S S, point 1 S F P
//   b: point 0 S S F, point 1 U F S
// ise of task i is i², settling_time 0.1·i when settled.
StudyTasks two_case_grid() {
  const char outcome[2][2][4] = {{"SSS", "SFP"}, {"SSF", "UFS"}};
  StudyTasks t;
  t.case_names = {"a", "b"};
  t.axes = {{"x", {0.0, 1.0}}};
  NamedColumn ise{"ise", {}};
  NamedColumn settling{"settling_time", {}};
  NamedColumn steps{"steps", {}};
  for (std::uint64_t sample = 0; sample < 3; ++sample)
    for (int c = 0; c < 2; ++c)
      for (std::uint64_t point = 0; point < 2; ++point) {
        const auto id = static_cast<double>(t.status.size());
        const char o = outcome[c][point][sample];
        t.status.push_back(o == 'F'   ? TaskStatus::out_of_bounds
                           : o == 'P' ? TaskStatus::pending
                                      : TaskStatus::completed);
        t.success.push_back(o == 'S' ? 1 : 0);
        t.case_index.push_back(c);
        t.sample.push_back(sample);
        t.grid_point.push_back(point);
        ise.values.push_back(o == 'P' ? nan : id * id);
        settling.values.push_back(o == 'S' ? 0.1 * id : nan);
        steps.values.push_back(100.0);
      }
  t.metrics = {ise, settling};
  t.costs = {steps};
  return t;
}

TEST(StudyBreakdown, counts_each_case_apart) {
  const StudyBreakdown b = make_study_breakdown(two_case_grid());
  ASSERT_EQ(b.cases.size(), 2u);
  const CaseSummary& a = b.cases[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.tasks, 6u);
  EXPECT_EQ(a.pending, 1u);
  EXPECT_EQ(a.finished, 5u);
  EXPECT_EQ(a.successes, 4u);
  EXPECT_EQ(a.failed, 1u);
  EXPECT_EQ(a.not_run, 0u);
  EXPECT_DOUBLE_EQ(a.success_rate.lower, wilson_interval(4, 5).lower);
  const CaseSummary& bb = b.cases[1];
  EXPECT_EQ(bb.finished, 6u);
  EXPECT_EQ(bb.successes, 3u);
  EXPECT_EQ(bb.failed, 2u);
  // Quantiles over the completed tasks of the case: metrics first, then costs.
  ASSERT_EQ(a.metrics.size(), 3u);
  EXPECT_EQ(a.metrics[0].name, "ise");
  EXPECT_EQ(a.metrics[0].quantiles.count, 4u);  // tasks 0, 4, 8, 1 of case a completed
  EXPECT_EQ(a.metrics[2].name, "steps");
}

TEST(StudyBreakdown, pairs_the_same_sample_at_the_same_point) {
  const StudyBreakdown b = make_study_breakdown(two_case_grid());
  ASSERT_EQ(b.comparisons.size(), 1u);
  const CaseComparison& c = b.comparisons[0];
  // The pending sample (a, point 1, sample 2) leaves its pair out: 5 pairs.
  EXPECT_EQ(c.counts.both, 2u);
  EXPECT_EQ(c.counts.only_first, 2u);
  EXPECT_EQ(c.counts.only_second, 0u);
  EXPECT_EQ(c.counts.neither, 1u);
  EXPECT_DOUBLE_EQ(c.rate_difference.estimate, 0.4);
  const Interval expected = paired_rate_difference({2, 2, 0, 1});
  EXPECT_DOUBLE_EQ(c.rate_difference.lower, expected.lower);
  // ise differences over the three pairs where both completed: 0−4, 16−36, 1−9.
  ASSERT_EQ(c.metrics.size(), 2u);
  EXPECT_EQ(c.metrics[0].difference.count, 3u);
  EXPECT_NEAR(c.metrics[0].difference.mean, -32.0 / 3.0, 1e-12);
  // settling_time is NaN for the unsettled one: two differences left.
  EXPECT_EQ(c.metrics[1].difference.count, 2u);
}

TEST(StudyBreakdown, summarises_every_grid_point_of_every_case) {
  const StudyBreakdown b = make_study_breakdown(two_case_grid());
  ASSERT_TRUE(b.grid.has_value());
  const GridSummary& g = *b.grid;
  EXPECT_EQ(g.num_points, 2u);
  EXPECT_EQ(g.metric, "settling_time");
  EXPECT_EQ(g.points[0][0].finished, 3u);
  EXPECT_EQ(g.points[0][0].successes, 3u);
  EXPECT_NEAR(g.points[0][0].metric_median, 0.4, 1e-12);  // tasks 0, 4, 8
  EXPECT_EQ(g.points[0][1].finished, 2u);
  EXPECT_EQ(g.points[0][1].successes, 1u);
  EXPECT_EQ(g.points[1][1].finished, 3u);
  EXPECT_EQ(g.points[1][1].successes, 1u);
  EXPECT_NEAR(g.points[1][1].metric_median, 1.1, 1e-12);  // task 11; the unsettled is NaN
  EXPECT_DOUBLE_EQ(g.points[1][0].success_rate.estimate, 2.0 / 3.0);
}

TEST(StudyBreakdown, has_no_pairs_or_grid_for_one_case_without_axes) {
  StudyTasks t = two_case_grid();
  t.case_names = {"only"};
  t.axes.clear();
  for (auto& c : t.case_index) c = 0;
  for (auto& p : t.grid_point) p = 0;
  const StudyBreakdown b = make_study_breakdown(t);
  EXPECT_TRUE(b.comparisons.empty());
  EXPECT_FALSE(b.grid.has_value());
  EXPECT_EQ(b.cases[0].tasks, 12u);
}

TEST(StudyBreakdown, refuses_inconsistent_columns) {
  StudyTasks t = two_case_grid();
  t.sample.pop_back();
  EXPECT_THROW(make_study_breakdown(t), std::invalid_argument);
  t = two_case_grid();
  t.case_index[3] = 2;
  EXPECT_THROW(make_study_breakdown(t), std::invalid_argument);
  EXPECT_THROW(make_study_breakdown(two_case_grid(), "no_such_metric"), std::invalid_argument);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(StudyReport, text_and_json_carry_cases_pairs_and_every_grid_point) {
  RunReport report;
  report.study = make_study_breakdown(two_case_grid());
  const std::string text = format_report_text(report);
  EXPECT_TRUE(contains(text, "Cases (2; ")) << text;
  EXPECT_TRUE(contains(text, "Case 'b': metrics over its completed tasks")) << text;
  EXPECT_TRUE(contains(text, "Paired differences, first - second")) << text;
  EXPECT_TRUE(contains(text, "a - b")) << text;
  EXPECT_TRUE(contains(text, "Grid: 2 points (2), row-major")) << text;
  EXPECT_TRUE(contains(text, "(1)")) << text;  // the second point's axis value
  const std::string json = format_report_json(report);
  EXPECT_TRUE(contains(json, "\"cases\": [{\"name\": \"a\", \"tasks\": 6, \"finished\": 5"))
      << json;
  EXPECT_TRUE(contains(json, "\"both\": 2, \"only_first\": 2, \"only_second\": 0, \"neither\": 1"))
      << json;
  EXPECT_TRUE(contains(json, "\"method\": \"newcombe_paired_hybrid_score\"")) << json;
  EXPECT_TRUE(contains(json, "\"per_case\": [{\"case\": \"a\", \"finished\": [3, 2]")) << json;
  // A plain study keeps its report: no study keys.
  EXPECT_FALSE(contains(format_report_json(RunReport{}), "\"cases\""));
}

TEST(StudyReport, summarises_a_big_grid_by_its_extremes) {
  // 5 × 6 = 30 points, one sample each, one case: more than the 24 listed.
  StudyTasks t;
  t.case_names = {"only"};
  t.axes = {{"p", {0, 1, 2, 3, 4}}, {"q", {0, 1, 2, 3, 4, 5}}};
  NamedColumn settling{"settling_time", {}};
  for (std::uint64_t k = 0; k < 30; ++k) {
    const bool ok = k % 3 != 0;
    t.status.push_back(ok ? TaskStatus::completed : TaskStatus::out_of_bounds);
    t.success.push_back(ok ? 1 : 0);
    t.case_index.push_back(0);
    t.sample.push_back(0);
    t.grid_point.push_back(k);
    settling.values.push_back(ok ? 1.0 : nan);
  }
  t.metrics = {settling};
  RunReport report;
  report.study = make_study_breakdown(t);
  const std::string text = format_report_text(report);
  EXPECT_TRUE(contains(text, "every task succeeded at 20 points (66.7 %), none at 10")) << text;
  EXPECT_TRUE(contains(text, "worst points")) << text;
  EXPECT_TRUE(contains(text, "(0, 3)")) << text;  // point 3, the second failure
  EXPECT_FALSE(contains(text, "Paired differences")) << text;
}

}  // namespace
}  // namespace simorch::analysis
