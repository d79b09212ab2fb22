// The batched draw of PhiloxStream must give the very values of one-by-one draws: every
// task's plant depends on it, and results are promised bitwise equal across versions.
#include "philox_stream.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>

namespace simorch::study_detail {
namespace {

template <std::size_t n>
void expect_batched_equals_single(std::size_t already_used) {
  PhiloxStream batched(2026, 77, StreamPurpose::parameters);
  PhiloxStream single(2026, 77, StreamPurpose::parameters);
  for (std::size_t i = 0; i < already_used; ++i) {
    ASSERT_EQ(batched.next_uniform(), single.next_uniform());
  }
  const std::array<double, n> draws = batched.next_uniforms<n>();
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(draws[i], single.next_uniform()) << "draw " << i << " after " << already_used;
  }
  // The stream goes on where the one-by-one stream does.
  for (int i = 0; i < 9; ++i) EXPECT_EQ(batched.next_uniform(), single.next_uniform());
}

TEST(PhiloxStream, batched_uniforms_equal_one_by_one_draws_from_any_position) {
  for (std::size_t used = 0; used < 9; ++used) {
    expect_batched_equals_single<1>(used);
    expect_batched_equals_single<4>(used);
    expect_batched_equals_single<13>(used);
    expect_batched_equals_single<16>(used);
  }
}

TEST(PhiloxStream, uniforms_lie_in_the_unit_interval_and_differ_by_task) {
  PhiloxStream a(1, 0, StreamPurpose::parameters);
  PhiloxStream b(1, 1, StreamPurpose::parameters);
  const auto x = a.next_uniforms<13>();
  const auto y = b.next_uniforms<13>();
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_GE(x[i], 0.0);
    EXPECT_LT(x[i], 1.0);
    EXPECT_NE(x[i], y[i]);
  }
}

}  // namespace
}  // namespace simorch::study_detail
