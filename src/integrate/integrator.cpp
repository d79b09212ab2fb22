#include "simorch/integrate/integrator.hpp"

#include <algorithm>
#include <cmath>

#include "integrate/dormand_prince_tableau.hpp"
#include "integrate/dp45_step_control.hpp"

namespace simorch {

namespace {

/// x.allFinite() without its six compare-and-branch pairs: x·0 is ±0 for a finite
/// component and NaN for ±Inf or NaN, so the sum is 0 exactly when every component is
/// finite (a third fewer instructions per RK4 step, bench/README.md).
bool all_finite(const State& x) noexcept {
  return (x.array() * 0.0).sum() == 0.0;
}

void rk4_step(const DipModel& model, State& x, double u, double h) noexcept {
  const double half = 0.5 * h;
  const State k1 = model.derivative(x, u);
  const State k2 = model.derivative(x + half * k1, u);
  const State k3 = model.derivative(x + half * k2, u);
  const State k4 = model.derivative(x + h * k3, u);
  x += (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
}

/// Per-task memory of dp45 that survives from one control period to the next.
struct Dp45Memory {
  double& last_step;
  double& last_error;
  StepCounts& counts;
};

AdvanceStatus dp45_advance(const DipModel& model, State& x, double u, double dt,
                           const IntegratorOptions& options, Dp45Memory memory) noexcept {
  using namespace integrate_detail::dopri;
  // The first period starts with one whole period; if that is too large, rejections cut
  // it down (the error estimate, unlike a starting-step heuristic, is exact about it).
  double h = memory.last_step > 0.0 ? std::min(memory.last_step, dt) : dt;
  double t = 0.0;
  bool just_rejected = false;
  bool failed_non_finite = false;
  // u changes at each period start, so the FSAL stage of the last period cannot be reused.
  State k1 = model.derivative(x, u);
  if (!all_finite(k1)) return AdvanceStatus::non_finite;
  for (;;) {
    // Land exactly on the end of the period: the controller samples the state there.
    const double remaining = dt - t;
    const bool is_last = h >= remaining;
    const double step = is_last ? remaining : h;

    const State k2 = model.derivative(x + step * (a21 * k1), u);
    const State k3 = model.derivative(x + step * (a31 * k1 + a32 * k2), u);
    const State k4 = model.derivative(x + step * (a41 * k1 + a42 * k2 + a43 * k3), u);
    const State k5 = model.derivative(x + step * (a51 * k1 + a52 * k2 + a53 * k3 + a54 * k4), u);
    const State k6 =
        model.derivative(x + step * (a61 * k1 + a62 * k2 + a63 * k3 + a64 * k4 + a65 * k5), u);
    const State x_new = x + step * (b1 * k1 + b3 * k3 + b4 * k4 + b5 * k5 + b6 * k6);
    const State k7 = model.derivative(x_new, u);
    const State error = step * (e1 * k1 + e3 * k3 + e4 * k4 + e5 * k5 + e6 * k6 + e7 * k7);
    const Eigen::Array<double, 6, 1> scale =
        options.atol + options.rtol * x.array().abs().max(x_new.array().abs());
    const double err = std::sqrt((error.array() / scale).square().mean());

    if (err <= 1.0) {  // false for NaN: a non-finite step is rejected below
      ++memory.counts.accepted;
      const double shrink = std::pow(err, alpha) / std::pow(memory.last_error, beta) / safety;
      double h_new = step / std::clamp(shrink, 1.0 / max_factor, 1.0 / min_factor);
      if (just_rejected) h_new = std::min(h_new, step);
      memory.last_error = std::max(err, min_error_memory);
      x = x_new;
      k1 = k7;
      if (is_last) {
        // A clamped final sub-step says little about the next period: keep the step
        // the controller proposed, or the larger one this step allows.
        memory.last_step = std::min(dt, std::max(h_new, h));
        return AdvanceStatus::ok;
      }
      t += step;
      h = h_new;
      just_rejected = false;
      failed_non_finite = false;
    } else {
      ++memory.counts.rejected;
      failed_non_finite = !std::isfinite(err);
      const double shrink = failed_non_finite
                                ? 1.0 / min_factor
                                : std::min(1.0 / min_factor, std::pow(err, alpha) / safety);
      h = step / shrink;
      just_rejected = true;
    }
    if (h < options.min_step) {
      return failed_non_finite ? AdvanceStatus::non_finite : AdvanceStatus::step_too_small;
    }
  }
}

}  // namespace

Integrator::Integrator(const IntegratorOptions& options) noexcept
    : options_(options), last_error_(integrate_detail::dopri::initial_error_memory) {}

AdvanceStatus Integrator::advance(const DipModel& model, State& x, double u, double dt) noexcept {
  if (!all_finite(x) || !std::isfinite(u)) return AdvanceStatus::non_finite;
  switch (options_.kind) {
    case IntegratorKind::euler:
      x += dt * model.derivative(x, u);
      ++counts_.accepted;
      break;
    case IntegratorKind::rk4:
      rk4_step(model, x, u, dt);
      ++counts_.accepted;
      break;
    case IntegratorKind::dp45:
      return dp45_advance(model, x, u, dt, options_, {last_step_, last_error_, counts_});
  }
  return all_finite(x) ? AdvanceStatus::ok : AdvanceStatus::non_finite;
}

}  // namespace simorch
