#include "simorch/study/sampling_design.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/study/make_task.hpp"
#include "study_test_util.hpp"

namespace simorch {
namespace {

std::vector<double> points(const SamplingDesign& design, std::uint64_t first, std::uint64_t count) {
  std::vector<double> all(count * design.num_dims());
  for (std::uint64_t k = 0; k < count; ++k) {
    design.point(first + k,
                 std::span<double>(all.data() + k * design.num_dims(), design.num_dims()));
  }
  return all;
}

// Counts of the points of dimension d in each of `cells` equal strata of [0, 1).
std::vector<int> strata_counts(const std::vector<double>& all, std::size_t dims, std::size_t d,
                               std::size_t cells) {
  std::vector<int> counts(cells, 0);
  for (std::size_t k = 0; k * dims < all.size(); ++k) {
    const double u = all[k * dims + d];
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
    ++counts[static_cast<std::size_t>(u * static_cast<double>(cells))];
  }
  return counts;
}

TEST(SamplingDesign, latin_hypercube_puts_one_point_in_each_stratum_of_every_dimension) {
  for (const std::uint64_t n : {1ULL, 2ULL, 7ULL, 100ULL, 1000ULL}) {
    const SamplingDesign design(SamplingKind::lhs, 42, 5, n);
    const std::vector<double> all = points(design, 0, n);
    for (std::size_t d = 0; d < 5; ++d) {
      const std::vector<int> counts = strata_counts(all, 5, d, n);
      EXPECT_TRUE(std::all_of(counts.begin(), counts.end(), [](int c) { return c == 1; }))
          << "n " << n << " dimension " << d;
    }
  }
}

TEST(SamplingDesign, sobol_prefixes_of_two_to_the_m_are_balanced_in_one_and_two_dimensions) {
  const SamplingDesign design(SamplingKind::sobol, 9, 6, 1 << 12);
  for (const std::uint64_t n : {256ULL, 1024ULL, 4096ULL}) {
    const std::vector<double> all = points(design, 0, n);
    for (std::size_t d = 0; d < 6; ++d) {
      const std::vector<int> counts = strata_counts(all, 6, d, n);
      EXPECT_TRUE(std::all_of(counts.begin(), counts.end(), [](int c) { return c == 1; }))
          << "n " << n << " dimension " << d;
    }
    // The first two Sobol dimensions form a (0, m, 2)-net: one point per square cell.
    const auto side = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(n))));
    std::vector<int> cells(side * side, 0);
    for (std::uint64_t k = 0; k < n; ++k) {
      const auto i = static_cast<std::size_t>(all[k * 6] * static_cast<double>(side));
      const auto j = static_cast<std::size_t>(all[k * 6 + 1] * static_cast<double>(side));
      ++cells[i * side + j];
    }
    EXPECT_TRUE(std::all_of(cells.begin(), cells.end(), [](int c) { return c == 1; })) << n;
  }
}

TEST(SamplingDesign, a_point_is_a_pure_function_of_seed_and_index_and_seeds_scramble_differently) {
  for (const SamplingKind kind : {SamplingKind::random, SamplingKind::lhs, SamplingKind::sobol}) {
    const SamplingDesign a(kind, 5, 4, 512);
    const SamplingDesign b(kind, 5, 4, 512);
    const SamplingDesign other_seed(kind, 6, 4, 512);
    const std::vector<double> forward = points(a, 0, 512);
    std::vector<double> backward(forward.size());
    for (std::uint64_t k = 512; k-- > 0;) b.point(k, std::span<double>(backward.data() + k * 4, 4));
    EXPECT_EQ(forward, backward) << to_string(kind);
    EXPECT_NE(forward, points(other_seed, 0, 512)) << to_string(kind);
  }
}

// Mean of a smooth function with a known integral (1) over 50 independent replicates:
// the scrambled designs must beat plain Monte Carlo by a wide margin.
double rms_error_of_mean(SamplingKind kind, std::uint64_t n, std::size_t dims) {
  double sum_squares = 0;
  constexpr int replicates = 50;
  for (int r = 0; r < replicates; ++r) {
    const SamplingDesign design(kind, 1000 + static_cast<std::uint64_t>(r), dims, n);
    const std::vector<double> all = points(design, 0, n);
    double mean = 0;
    for (std::uint64_t k = 0; k < n; ++k) {
      double f = 1;
      for (std::size_t d = 0; d < dims; ++d) f *= 1.0 + 0.5 * (2.0 * all[k * dims + d] - 1.0);
      mean += f;
    }
    mean /= static_cast<double>(n);
    sum_squares += (mean - 1.0) * (mean - 1.0);
  }
  return std::sqrt(sum_squares / replicates);
}

TEST(SamplingDesign, scrambled_sobol_and_lhs_estimate_a_smooth_mean_better_than_plain_monte_carlo) {
  const double random = rms_error_of_mean(SamplingKind::random, 4096, 6);
  const double lhs = rms_error_of_mean(SamplingKind::lhs, 4096, 6);
  const double sobol = rms_error_of_mean(SamplingKind::sobol, 4096, 6);
  EXPECT_LT(sobol, 0.1 * random) << "sobol " << sobol << " random " << random;
  EXPECT_LT(lhs, 0.5 * random) << "lhs " << lhs << " random " << random;
}

TEST(SamplingDesign, refuses_what_it_cannot_cover) {
  EXPECT_THROW(SamplingDesign(SamplingKind::lhs, 0, SamplingDesign::max_dims + 1, 10), Error);
  EXPECT_THROW(SamplingDesign(SamplingKind::lhs, 0, 3, 0), Error);
  EXPECT_THROW(SamplingDesign(SamplingKind::sobol, 0, 3, (1ULL << 32) + 1), Error);
}

std::string study_with(const std::string& sampling) {
  std::string yaml = test::base_study();
  const std::string anchor = "  seed: 7\n";
  yaml.replace(yaml.find(anchor), anchor.size(), anchor + "  sampling: " + sampling + "\n");
  return yaml + "physics_uncertainty:\n  pendulum1_mass: 0.1\n  pendulum2_length: 0.1\n";
}

TEST(SamplingDesign, lhs_study_stratifies_every_sampled_state_and_parameter) {
  const Study study = test::parse(study_with("lhs"));
  ASSERT_EQ(study.monte_carlo.sampling, SamplingKind::lhs);
  const std::uint64_t n = study.num_tasks();
  std::vector<int> theta1(n), mass1(n), length2(n);
  for (std::uint64_t id = 0; id < n; ++id) {
    const TaskSpec task = make_task(study, id);
    // Each sampled value lies in its stratum: map it back to [0, 1) and count.
    const auto stratum = [n](double centre, double half_width, double value) {
      return static_cast<std::size_t>((value - centre + half_width) / (2 * half_width) *
                                      static_cast<double>(n));
    };
    ++theta1[stratum(0.0, 0.1, task.initial_state(1))];
    ++mass1[stratum(study.nominal.pendulum1_mass, 0.1 * study.nominal.pendulum1_mass,
                    task.params.pendulum1_mass)];
    ++length2[stratum(study.nominal.pendulum2_length, 0.1 * study.nominal.pendulum2_length,
                      task.params.pendulum2_length)];
    EXPECT_EQ(task.params.cart_mass, study.nominal.cart_mass);  // not uncertain: untouched
  }
  for (const auto* counts : {&theta1, &mass1, &length2}) {
    EXPECT_TRUE(std::all_of(counts->begin(), counts->end(), [](int c) { return c == 1; }));
  }
}

TEST(SamplingDesign,
     the_default_random_design_keeps_the_canonical_text_and_draws_of_earlier_studies) {
  const Study plain = test::parse(study_with("random"));
  std::string without = study_with("random");
  without.erase(without.find("  sampling: random\n"), std::string("  sampling: random\n").size());
  const Study implicit = test::parse(without);
  EXPECT_EQ(canonical_text(plain), canonical_text(implicit));
  EXPECT_EQ(canonical_text(plain).find("sampling"), std::string::npos);
  const Study sobol = test::parse(study_with("sobol"));
  EXPECT_NE(canonical_text(sobol).find("monte_carlo.sampling = sobol"), std::string::npos);
  EXPECT_NE(study_hash(sobol), study_hash(plain));
}

TEST(SamplingDesign, an_unknown_design_names_the_key_and_the_allowed_values) {
  try {
    test::parse(study_with("halton"));
    FAIL() << "halton was accepted";
  } catch (const ConfigError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("monte_carlo.sampling"), std::string::npos) << what;
    EXPECT_NE(what.find("random, lhs, sobol"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace simorch
