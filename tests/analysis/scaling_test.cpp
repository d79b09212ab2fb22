#include "simorch/analysis/scaling.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "simorch/analysis/run_figures.hpp"
#include "simorch/error.hpp"

namespace simorch::analysis {
namespace {

const std::string canonical_base = "model: full\ncontroller: lqr\nseed: 7\n";

ScalingRun strong_run(std::int32_t ranks, std::int32_t threads, double wall_s) {
  ScalingRun r;
  r.label = "r" + std::to_string(ranks) + "t" + std::to_string(threads) + ".h5";
  r.ranks = ranks;
  r.threads_per_rank = threads;
  r.tasks = 1000;
  r.wall_s = wall_s;
  r.study_hash = "00000000deadbeef";
  r.study_without_samples = canonical_base;
  return r;
}

// T(N) = T₁((1 − P) + P/N) for N = 1..64, with multiplicative noise of relative size `noise`.
std::vector<ScalingRun> amdahl_series(double p, double noise, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> jitter(0.0, noise);
  std::vector<ScalingRun> runs;
  for (int n = 1; n <= 64; ++n) {
    const double t = 100.0 * ((1.0 - p) + p / n);
    runs.push_back(strong_run(1, n, t * (1.0 + (n == 1 ? 0.0 : jitter(rng)))));
  }
  return runs;
}

TEST(AmdahlFit, recovers_the_parallel_fraction_of_noisy_data) {
  for (double p : {0.5, 0.9, 0.99, 0.999}) {
    const ScalingAnalysis a = analyse_scaling(amdahl_series(p, 0.01, 42));
    EXPECT_EQ(a.kind, ScalingKind::strong);
    ASSERT_TRUE(a.amdahl.is_valid);
    EXPECT_NEAR(a.amdahl.parallel_fraction, p, 0.01) << "P = " << p;
    EXPECT_LT(a.amdahl.rms_relative_residual, 0.03);
  }
}

TEST(AmdahlFit, is_exact_on_exact_data_and_karp_flatt_is_one_minus_p) {
  const double p = 0.95;
  const ScalingAnalysis a = analyse_scaling(amdahl_series(p, 0.0, 1));
  EXPECT_NEAR(a.amdahl.parallel_fraction, p, 1e-12);
  EXPECT_NEAR(a.amdahl.r_squared, 1.0, 1e-12);
  EXPECT_NEAR(a.amdahl.rms_relative_residual, 0.0, 1e-12);
  for (const ScalingRow& row : a.rows) {
    EXPECT_NEAR(row.speedup, amdahl_speedup(p, row.cores), 1e-9);
    EXPECT_NEAR(row.efficiency, row.speedup / row.cores, 1e-12);
    if (row.cores == 1)
      EXPECT_TRUE(std::isnan(row.karp_flatt));
    else
      EXPECT_NEAR(row.karp_flatt, 1.0 - p, 1e-9) << "N = " << row.cores;
  }
}

TEST(AmdahlFit, is_not_biased_by_a_series_without_a_one_core_run) {
  // N = 2..64 only: T₁ is taken as 2·T₂, which overstates it for P < 1; P stays exact.
  const double p = 0.9;
  std::vector<ScalingRun> runs = amdahl_series(p, 0.0, 1);
  runs.erase(runs.begin());
  const ScalingAnalysis a = analyse_scaling(runs);
  EXPECT_EQ(a.reference_cores, 2);
  EXPECT_DOUBLE_EQ(a.rows.front().speedup, 2.0);
  ASSERT_TRUE(a.amdahl.is_valid);
  EXPECT_NEAR(a.amdahl.parallel_fraction, p, 1e-12);
  for (const ScalingRow& row : a.rows)
    EXPECT_NEAR(a.amdahl.speedup(row.cores), row.speedup, 1e-9 * row.speedup);
}

TEST(AmdahlFit, quality_drops_when_data_do_not_follow_the_law) {
  // Speedup that peaks at N = 8 and then falls (communication-bound): not Amdahl.
  std::vector<ScalingRun> runs;
  for (int n : {1, 2, 4, 8, 16, 32, 64}) runs.push_back(strong_run(n, 1, 100.0 / n + 1.5 * n));
  const ScalingAnalysis a = analyse_scaling(runs);
  ASSERT_TRUE(a.amdahl.is_valid);
  EXPECT_GT(a.amdahl.rms_relative_residual, 0.2);
  EXPECT_LT(a.amdahl.r_squared, 0.9);
}

TEST(ScalingAnalysis, refers_speedups_to_the_smallest_run_times_its_cores) {
  // No one-core run: the N = 2 run is taken as perfectly efficient, T₁ = 2·T₂.
  std::vector<ScalingRun> runs = {strong_run(4, 1, 30.0), strong_run(2, 1, 50.0),
                                  strong_run(2, 4, 20.0)};
  const ScalingAnalysis a = analyse_scaling(runs);
  EXPECT_EQ(a.reference_cores, 2);
  EXPECT_DOUBLE_EQ(a.one_core_s, 100.0);
  ASSERT_EQ(a.rows.size(), 3u);
  EXPECT_EQ(a.rows[0].cores, 2);
  EXPECT_DOUBLE_EQ(a.rows[0].speedup, 2.0);
  EXPECT_DOUBLE_EQ(a.rows[0].efficiency, 1.0);
  EXPECT_EQ(a.rows[1].cores, 4);
  EXPECT_DOUBLE_EQ(a.rows[1].speedup, 100.0 / 30.0);
  EXPECT_EQ(a.rows[2].cores, 8);
  EXPECT_DOUBLE_EQ(a.rows[2].speedup, 5.0);
  EXPECT_DOUBLE_EQ(a.rows[2].karp_flatt, (1.0 / 5.0 - 1.0 / 8.0) / (1.0 - 1.0 / 8.0));
}

TEST(ScalingAnalysis, one_run_has_a_table_but_no_fit) {
  const ScalingAnalysis a = analyse_scaling({strong_run(1, 2, 10.0)});
  ASSERT_EQ(a.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(a.rows[0].speedup, 2.0);
  EXPECT_FALSE(a.amdahl.is_valid);
}

ScalingRun weak_run(std::int32_t cores, std::uint64_t tasks_per_core, double wall_s) {
  ScalingRun r = strong_run(cores, 1, wall_s);
  r.tasks = tasks_per_core * static_cast<std::uint64_t>(cores);
  r.study_hash = "hash-of-" + std::to_string(r.tasks);
  return r;
}

TEST(ScalingSeries, with_tasks_proportional_to_n_is_weak_and_gets_gustafson) {
  // Scaled speedup S_N = N − s(N − 1) with work ∝ N means T_N = T₁·N / S_N.
  const double s = 0.04;
  std::vector<ScalingRun> runs;
  for (int n : {1, 2, 4, 8, 16}) {
    const double scaled = n - s * (n - 1);
    runs.push_back(weak_run(n, 500, 10.0 * n / scaled));
  }
  const ScalingAnalysis a = analyse_scaling(runs);
  EXPECT_EQ(a.kind, ScalingKind::weak);
  ASSERT_TRUE(a.gustafson.is_valid);
  EXPECT_NEAR(a.gustafson.serial_fraction, s, 1e-12);
  EXPECT_FALSE(a.amdahl.is_valid);
  for (const ScalingRow& row : a.rows) {
    EXPECT_NEAR(row.speedup, row.cores - s * (row.cores - 1), 1e-9);
    EXPECT_TRUE(std::isnan(row.karp_flatt));
  }
}

TEST(ScalingSeries, weak_speedup_accounts_for_the_exact_work_ratio) {
  // 3 cores got 1499 tasks instead of 1500: the scaled speedup counts the tasks run.
  std::vector<ScalingRun> runs = {weak_run(1, 500, 10.0), weak_run(3, 500, 10.0)};
  runs[1].tasks = 1499;
  const ScalingAnalysis a = analyse_scaling(runs);
  EXPECT_EQ(a.kind, ScalingKind::weak);
  EXPECT_DOUBLE_EQ(a.rows[1].speedup, 1499.0 / 500.0);
}

TEST(ScalingSeries, refuses_runs_of_different_studies) {
  std::vector<ScalingRun> runs = {strong_run(1, 1, 10.0), strong_run(2, 1, 6.0)};
  runs[1].study_hash = "1111111111111111";
  runs[1].study_without_samples = "model: simplified\ncontroller: lqr\nseed: 7\n";
  try {
    classify_series(runs);
    FAIL() << "mixed studies were accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.value(), "r2t1.h5");
    EXPECT_NE(e.allowed().find("r1t1.h5"), std::string::npos);
    EXPECT_NE(e.allowed().find("different study"), std::string::npos);
  }
}

TEST(ScalingSeries, refuses_a_sample_count_that_does_not_grow_with_n) {
  std::vector<ScalingRun> runs = {weak_run(1, 500, 10.0), weak_run(4, 500, 10.0)};
  runs[1].tasks = 1000;  // 250 per core instead of 500
  EXPECT_THROW(classify_series(runs), ConfigError);
}

TEST(ScalingSeries, refuses_a_run_without_wall_time) {
  EXPECT_THROW(analyse_scaling({strong_run(1, 1, 10.0), strong_run(2, 1, 0.0)}), ConfigError);
  EXPECT_THROW(classify_series({}), ConfigError);
}

TEST(StudyWithoutSamples, drops_only_the_sample_count) {
  const std::string a = "monte_carlo.samples = 1000\nmonte_carlo.seed = 7\nmodel: full\n";
  const std::string b = "monte_carlo.samples = 4000\nmonte_carlo.seed = 7\nmodel: full\n";
  const std::string c = "monte_carlo.samples = 4000\nmonte_carlo.seed = 8\nmodel: full\n";
  EXPECT_EQ(study_without_samples(a), study_without_samples(b));
  EXPECT_NE(study_without_samples(a), study_without_samples(c));
  EXPECT_EQ(study_without_samples("  samples: 10\nx: 1"), "x: 1\n");
  EXPECT_EQ(study_without_samples("num_samples=3\nmax_samples: 4\n"), "max_samples: 4\n");
  // The form study/canonical_text.cpp writes.
  EXPECT_EQ(study_without_samples("monte_carlo.tasks = 64\nmonte_carlo.seed = 1\n"),
            "monte_carlo.seed = 1\n");
  EXPECT_EQ(study_without_samples("controller.tasks_x = 1\n"), "controller.tasks_x = 1\n");
}

}  // namespace
}  // namespace simorch::analysis
