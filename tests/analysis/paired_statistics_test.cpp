#include "simorch/analysis/paired_statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace simorch::analysis {
namespace {

TEST(PairedRateDifference, matches_the_published_newcombe_interval) {
  // Cavo et al. 2012 as analysed in Fagerland, Lydersen & Laake (2017), chapter 8:
  // [[59, 6], [16, 80]] → −0.0621 (95 % CI −0.1186 to −0.0046), Newcombe square-and-add.
  const Interval d = paired_rate_difference({59, 6, 16, 80});
  EXPECT_NEAR(d.estimate, -10.0 / 161.0, 1e-12);
  EXPECT_NEAR(d.lower, -0.1186, 5e-5);
  EXPECT_NEAR(d.upper, -0.0046, 5e-5);
}

TEST(PairedRateDifference, is_antisymmetric_in_the_two_cases) {
  const Interval ab = paired_rate_difference({40, 7, 2, 11});
  const Interval ba = paired_rate_difference({40, 2, 7, 11});
  EXPECT_DOUBLE_EQ(ab.estimate, -ba.estimate);
  EXPECT_NEAR(ab.lower, -ba.upper, 1e-12);
  EXPECT_NEAR(ab.upper, -ba.lower, 1e-12);
}

TEST(PairedRateDifference, keeps_a_width_without_discordant_pairs) {
  // Every pair agrees: the estimate is 0 but 20 pairs cannot prove equality.
  const Interval d = paired_rate_difference({15, 0, 0, 5});
  EXPECT_EQ(d.estimate, 0.0);
  EXPECT_LT(d.lower, -0.05);
  EXPECT_GT(d.upper, 0.05);
  // All succeed in both: still inside [−1, 1] and around 0.
  const Interval all = paired_rate_difference({30, 0, 0, 0});
  EXPECT_LT(all.lower, 0.0);
  EXPECT_GT(all.upper, 0.0);
  EXPECT_GE(all.lower, -1.0);
  EXPECT_LE(all.upper, 1.0);
}

TEST(PairedRateDifference, is_uninformative_without_pairs) {
  const Interval d = paired_rate_difference({});
  EXPECT_TRUE(std::isnan(d.estimate));
  EXPECT_EQ(d.lower, -1.0);
  EXPECT_EQ(d.upper, 1.0);
}

TEST(PairedRateDifference, covers_the_true_difference_at_about_the_nominal_rate) {
  // Correlated pairs as common random numbers make them: the second case fails on the
  // hardest starts of the first and a few more. p_A = 0.9, p_B = 0.85, n = 150.
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  constexpr int replicates = 2000;
  int covered = 0;
  for (int r = 0; r < replicates; ++r) {
    PairedCounts c;
    for (int i = 0; i < 150; ++i) {
      const double u = uniform(rng);
      const double v = uniform(rng) < 0.7 ? u : uniform(rng);
      const bool a = u < 0.9;
      const bool b = v < 0.85;
      c.both += a && b;
      c.only_first += a && !b;
      c.only_second += !a && b;
      c.neither += !a && !b;
    }
    const Interval d = paired_rate_difference(c);
    covered += d.lower <= 0.05 && 0.05 <= d.upper;
  }
  // Binomial sd of the coverage at 0.95 over 2000 replicates is 0.005.
  EXPECT_GT(covered, 0.93 * replicates);
  EXPECT_LT(covered, 0.985 * replicates);
}

TEST(MeanInterval, is_the_paired_t_interval) {
  // R: t.test(1:5) → mean 3, 95 % CI 1.036757 to 4.963243.
  const std::vector<double> v = {1, 2, 3, 4, 5};
  const MeanInterval m = mean_interval(v);
  EXPECT_EQ(m.count, 5u);
  EXPECT_DOUBLE_EQ(m.mean, 3.0);
  EXPECT_NEAR(m.standard_deviation, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(m.lower, 1.036757, 1e-6);
  EXPECT_NEAR(m.upper, 4.963243, 1e-6);
}

TEST(MeanInterval, ignores_non_finite_values_and_needs_two) {
  const double nan = std::nan("");
  const std::vector<double> v = {nan, 2.0, INFINITY, 4.0};
  const MeanInterval m = mean_interval(v);
  EXPECT_EQ(m.count, 2u);
  EXPECT_DOUBLE_EQ(m.mean, 3.0);
  const MeanInterval one = mean_interval(std::vector<double>{7.0});
  EXPECT_EQ(one.mean, 7.0);
  EXPECT_TRUE(std::isnan(one.lower));
  EXPECT_TRUE(std::isnan(mean_interval(std::vector<double>{}).mean));
}

}  // namespace
}  // namespace simorch::analysis
