#include <gtest/gtest.h>

#include <cmath>

#include "allocation_counter.hpp"
#include "simorch/integrate/integrator.hpp"

namespace simorch {
namespace {

constexpr double force_n = 1.0;

State start_state() {
  State x;
  x << 0.1, 0.2, -0.15, 0.0, 0.3, -0.2;
  return x;
}

/// RK4 with a step of about 1e-5 (an integer number of steps per period): ~1e-15 from
/// the exact flow over these spans.
State reference(const DipModel& model, State x, double period_s, int periods) {
  Integrator rk4(IntegratorOptions{IntegratorKind::rk4});
  const auto substeps = std::max(1L, std::lround(period_s / 1e-5));
  const double h = period_s / static_cast<double>(substeps);
  for (int p = 0; p < periods; ++p) {
    for (long k = 0; k < substeps; ++k) rk4.advance(model, x, force_n, h);
  }
  return x;
}

IntegratorOptions dp45(double rtol, double atol) {
  IntegratorOptions options;
  options.kind = IntegratorKind::dp45;
  options.rtol = rtol;
  options.atol = atol;
  return options;
}

/// Largest error component in units of the tolerance atol + rtol·|x_ref|.
double error_in_tolerances(const State& x, const State& ref, const IntegratorOptions& o) {
  return ((x - ref).array().abs() / (o.atol + o.rtol * ref.array().abs())).maxCoeff();
}

// Local error control keeps the global error within a small multiple of the tolerance
// on a smooth, stable span (1 s of a falling pendulum, 100 control periods).
TEST(Dp45, meets_its_tolerance_against_a_fine_rk4_reference) {
  const DipModel model(ModelKind::full, DipParams{});
  for (const double rtol : {1e-6, 1e-9}) {
    const IntegratorOptions options = dp45(rtol, rtol * 1e-3);
    Integrator integrator(options);
    State x = start_state();
    for (int p = 0; p < 100; ++p) {
      ASSERT_EQ(integrator.advance(model, x, force_n, 0.01), AdvanceStatus::ok);
    }
    const double error =
        error_in_tolerances(x, reference(model, start_state(), 0.01, 100), options);
    RecordProperty("error_in_tolerances_rtol_" + std::to_string(rtol), std::to_string(error));
    EXPECT_LT(error, 10.0) << "rtol " << rtol;
    EXPECT_GE(integrator.counts().accepted, 100);
  }
}

// A whole 0.37 s period is far too large a first step for rtol 1e-8: it must be rejected,
// retried smaller, and the period must still end exactly at t + dt with the tolerance met.
TEST(Dp45, rejects_a_too_large_initial_step_and_still_lands_on_the_period_end) {
  const DipModel model(ModelKind::full, DipParams{});
  const IntegratorOptions options = dp45(1e-8, 1e-11);
  Integrator integrator(options);
  State x = start_state();
  ASSERT_EQ(integrator.advance(model, x, force_n, 0.37), AdvanceStatus::ok);
  EXPECT_GE(integrator.counts().rejected, 1);
  EXPECT_GT(integrator.counts().accepted, 10);
  EXPECT_LT(error_in_tolerances(x, reference(model, start_state(), 0.37, 1), options), 10.0);
}

// The accepted step is carried into the next period: once the step size has settled,
// later periods of the same smooth motion need no rejections and fewer steps than the
// first one, which had to find the step size from a whole period.
TEST(Dp45, carries_the_step_size_across_control_periods) {
  const DipModel model(ModelKind::full, DipParams{});
  Integrator integrator(dp45(1e-8, 1e-11));
  State x = start_state();
  ASSERT_EQ(integrator.advance(model, x, force_n, 0.05), AdvanceStatus::ok);
  const StepCounts first = integrator.counts();
  ASSERT_EQ(integrator.advance(model, x, force_n, 0.05), AdvanceStatus::ok);
  const StepCounts second = integrator.counts();
  EXPECT_GE(first.rejected, 1);
  EXPECT_EQ(second.rejected, first.rejected);
  EXPECT_LT(second.accepted - first.accepted, first.accepted + first.rejected);
}

TEST(Dp45, stops_with_step_too_small_when_the_tolerance_needs_steps_below_min_step) {
  const DipModel model(ModelKind::full, DipParams{});
  IntegratorOptions options = dp45(1e-13, 1e-16);
  options.min_step = 1e-3;
  Integrator integrator(options);
  State x = start_state();
  EXPECT_EQ(integrator.advance(model, x, force_n, 0.1), AdvanceStatus::step_too_small);
  EXPECT_TRUE(x.allFinite());  // left at the last accepted state
}

TEST(Dp45, same_inputs_give_bitwise_identical_results) {
  const DipModel model(ModelKind::full, DipParams{});
  State a = start_state();
  State b = start_state();
  Integrator first(dp45(1e-7, 1e-10));
  Integrator second(dp45(1e-7, 1e-10));
  for (int p = 0; p < 50; ++p) {
    first.advance(model, a, force_n, 0.02);
    second.advance(model, b, force_n, 0.02);
  }
  for (Eigen::Index i = 0; i < 6; ++i) EXPECT_EQ(a[i], b[i]);
  EXPECT_EQ(first.counts().accepted, second.counts().accepted);
}

// Millions of steps per second leave no room for the allocator: every scheme works on
// fixed-size vectors on the stack, rejections and retries included.
TEST(Integrator, never_allocates_while_stepping) {
  const DipModel model(ModelKind::full, DipParams{});
  for (const IntegratorKind kind :
       {IntegratorKind::euler, IntegratorKind::rk4, IntegratorKind::dp45}) {
    IntegratorOptions options = dp45(1e-9, 1e-12);
    options.kind = kind;
    Integrator integrator(options);
    State x = start_state();
    const std::int64_t before = test::allocation_count();
    for (int p = 0; p < 100; ++p) integrator.advance(model, x, force_n, 0.01);
    EXPECT_EQ(test::allocation_count(), before) << to_string(kind);
    EXPECT_GE(integrator.counts().accepted, 100);
  }
}

}  // namespace
}  // namespace simorch
