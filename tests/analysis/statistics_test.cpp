#include "simorch/analysis/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace simorch::analysis {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

TEST(WilsonInterval, matches_published_values) {
  // 8 of 10: Wilson 95 % interval [0.4902, 0.9433] (Newcombe 1998, Table I method 3 style;
  // also R's prop.test(8, 10, correct = FALSE)).
  const Interval i = wilson_interval(8, 10);
  EXPECT_DOUBLE_EQ(i.estimate, 0.8);
  EXPECT_NEAR(i.lower, 0.4902, 5e-4);
  EXPECT_NEAR(i.upper, 0.9433, 5e-4);
  // 81 of 263 (Newcombe 1998, example (b)): 0.2553 to 0.3662.
  const Interval j = wilson_interval(81, 263);
  EXPECT_NEAR(j.lower, 0.2553, 5e-4);
  EXPECT_NEAR(j.upper, 0.3662, 5e-4);
}

TEST(WilsonInterval, stays_inside_unit_interval_at_the_edges) {
  const Interval none = wilson_interval(0, 10);
  EXPECT_EQ(none.lower, 0.0);
  EXPECT_NEAR(none.upper, 0.2775, 5e-4);  // Newcombe 1998, 0/10
  const Interval all = wilson_interval(10, 10);
  EXPECT_NEAR(all.lower, 0.7225, 5e-4);
  EXPECT_DOUBLE_EQ(all.upper, 1.0);
}

TEST(WilsonInterval, is_uninformative_without_trials) {
  const Interval i = wilson_interval(0, 0);
  EXPECT_TRUE(std::isnan(i.estimate));
  EXPECT_EQ(i.lower, 0.0);
  EXPECT_EQ(i.upper, 1.0);
}

TEST(WilsonInterval, narrows_with_more_trials) {
  const Interval small = wilson_interval(50, 100);
  const Interval large = wilson_interval(5000, 10000);
  EXPECT_LT(large.upper - large.lower, 0.2 * (small.upper - small.lower));
  EXPECT_NEAR(0.5 * (large.lower + large.upper), 0.5, 1e-12);
}

TEST(Quantile, interpolates_linearly_between_order_statistics) {
  // NumPy: np.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 50, 95]) = 1.45, 5.5, 9.55.
  const std::vector<double> v = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_NEAR(quantile(v, 0.05), 1.45, 1e-12);
  EXPECT_NEAR(quantile(v, 0.50), 5.5, 1e-12);
  EXPECT_NEAR(quantile(v, 0.95), 9.55, 1e-12);
  EXPECT_EQ(quantile(v, 0.0), 1.0);
  EXPECT_EQ(quantile(v, 1.0), 10.0);
}

TEST(Quantile, ignores_nan_values) {
  const std::vector<double> v = {nan, 3.0, nan, 1.0, 2.0};
  EXPECT_EQ(quantile(v, 0.5), 2.0);
  const QuantileSummary s = summarize_quantiles(v);
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.nan_count, 2u);
  EXPECT_NEAR(s.p5, 1.1, 1e-12);
  EXPECT_NEAR(s.p95, 2.9, 1e-12);
}

TEST(Quantile, is_nan_for_no_values_or_a_bad_probability) {
  EXPECT_TRUE(std::isnan(quantile(std::vector<double>{}, 0.5)));
  EXPECT_TRUE(std::isnan(quantile(std::vector<double>{nan, nan}, 0.5)));
  EXPECT_TRUE(std::isnan(quantile(std::vector<double>{1.0}, 1.5)));
  const QuantileSummary s = summarize_quantiles(std::vector<double>{});
  EXPECT_EQ(s.count, 0u);
  EXPECT_TRUE(std::isnan(s.p50));
}

TEST(Quantile, of_a_single_value_is_that_value) {
  EXPECT_EQ(quantile(std::vector<double>{4.25}, 0.05), 4.25);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(quantile(std::vector<double>{inf, inf}, 0.3), inf);
}

}  // namespace
}  // namespace simorch::analysis
