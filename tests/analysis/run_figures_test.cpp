#include "simorch/analysis/run_figures.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace simorch::analysis {
namespace {

// Two ranks × two threads, 10 s wall, 1 s setup + 1 s finalize; busy 8, 8, 8, 4 s.
SegmentTiming two_by_two() {
  SegmentTiming s;
  s.wall_s = 10.0;
  s.setup_s = 1.0;
  s.finalize_s = 1.0;
  s.ranks = 2;
  s.threads_per_rank = 2;
  s.rank_timing = {{0, "a", 2, 60, 16.0, 3.0, 0.5, 10.0, 60},
                   {1, "b", 2, 40, 12.0, 7.0, 0.7, 9.0, 40}};
  s.thread_timing = {{0, 0, 30, 8.0}, {0, 1, 30, 8.0}, {1, 0, 25, 8.0}, {1, 1, 15, 4.0}};
  return s;
}

TEST(AmdahlSpeedup, follows_the_law) {
  EXPECT_DOUBLE_EQ(amdahl_speedup(1.0, 64.0), 64.0);
  EXPECT_DOUBLE_EQ(amdahl_speedup(0.0, 64.0), 1.0);
  EXPECT_DOUBLE_EQ(amdahl_speedup(0.9, 1.0), 1.0);
  EXPECT_NEAR(amdahl_speedup(0.95, 1e12), 20.0, 1e-6);  // the 1/(1 − P) ceiling
}

TEST(RunFigures, of_one_segment_match_hand_computed_values) {
  const std::vector<SegmentTiming> segments = {two_by_two()};
  const RunFigures f = compute_run_figures(segments);
  ASSERT_EQ(f.segments.size(), 1u);
  const SegmentFigures& s = f.segments[0];
  EXPECT_EQ(s.cores, 4);
  EXPECT_DOUBLE_EQ(s.busy_s, 28.0);
  EXPECT_DOUBLE_EQ(s.utilisation, 28.0 / 40.0);
  EXPECT_DOUBLE_EQ(s.parallel_efficiency, 28.0 / 32.0);
  EXPECT_DOUBLE_EQ(s.load_imbalance, 8.0 / 7.0);
  EXPECT_DOUBLE_EQ(s.rank_imbalance, 16.0 / 14.0);
  EXPECT_DOUBLE_EQ(s.serial_fraction, 0.2);
  // One core: 2 s serial + 4 × 8 s parallel = 34 s, of which 32 s parallel.
  EXPECT_DOUBLE_EQ(s.one_core_estimate_s, 34.0);
  EXPECT_DOUBLE_EQ(f.parallel_fraction, 32.0 / 34.0);
  // The prediction at the measured N reproduces the measured wall time.
  EXPECT_NEAR(34.0 / amdahl_speedup(f.parallel_fraction, 4.0), 10.0, 1e-12);
}

TEST(RunFigures, combine_segments_by_summing_their_times) {
  SegmentTiming first = two_by_two();
  first.outcome = RunOutcome::interrupted;
  SegmentTiming second;  // resumed on one core: 5 s wall, 0.5 s serial
  second.segment = 1;
  second.wall_s = 5.0;
  second.setup_s = 0.25;
  second.finalize_s = 0.25;
  second.thread_timing = {{0, 0, 10, 4.5}};
  const std::vector<SegmentTiming> segments = {first, second};
  const RunFigures f = compute_run_figures(segments);
  EXPECT_DOUBLE_EQ(f.wall_s, 15.0);
  EXPECT_DOUBLE_EQ(f.serial_s, 2.5);
  EXPECT_DOUBLE_EQ(f.utilisation, (28.0 + 4.5) / (40.0 + 5.0));
  EXPECT_DOUBLE_EQ(f.parallel_fraction, 1.0 - 2.5 / (34.0 + 5.0));
  EXPECT_DOUBLE_EQ(f.load_imbalance, 8.0 / 7.0);  // the worse of 8/7 and 1
}

TEST(RunFigures, fall_back_to_rank_rows_without_thread_rows) {
  SegmentTiming s = two_by_two();
  s.thread_timing.clear();
  const std::vector<SegmentTiming> segments = {s};
  const RunFigures f = compute_run_figures(segments);
  EXPECT_DOUBLE_EQ(f.segments[0].busy_s, 28.0);
  EXPECT_DOUBLE_EQ(f.segments[0].load_imbalance, 8.0 / 7.0);
}

TEST(RunFigures, are_nan_without_timing) {
  const RunFigures none = compute_run_figures({});
  EXPECT_TRUE(std::isnan(none.utilisation));
  EXPECT_TRUE(std::isnan(none.parallel_fraction));
  EXPECT_TRUE(std::isnan(none.load_imbalance));
  SegmentTiming bare;  // a segment row without rank or thread rows
  bare.wall_s = 3.0;
  const std::vector<SegmentTiming> segments = {bare};
  const RunFigures f = compute_run_figures(segments);
  EXPECT_TRUE(std::isnan(f.utilisation));
  EXPECT_TRUE(std::isnan(f.load_imbalance));
  EXPECT_DOUBLE_EQ(f.parallel_fraction, 1.0);
}

}  // namespace
}  // namespace simorch::analysis
