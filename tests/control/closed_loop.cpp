#include "closed_loop.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "simorch/integrate/integrator.hpp"

namespace simorch::test {

double ClosedLoopRun::max_angle_after(double from_s) const {
  if (!stayed_up) return std::numeric_limits<double>::infinity();
  double worst = 0.0;
  for (std::size_t k = 0; k < time_s.size(); ++k) {
    if (time_s[k] >= from_s) worst = std::max(worst, max_angle[k]);
  }
  return worst;
}

double ClosedLoopRun::settling_time(double tolerance) const {
  if (!stayed_up || time_s.empty()) return std::numeric_limits<double>::infinity();
  double settled_at = 0.0;
  for (std::size_t k = 0; k < time_s.size(); ++k) {
    if (max_angle[k] > tolerance) settled_at = time_s[k];
  }
  return settled_at >= time_s.back() ? std::numeric_limits<double>::infinity() : settled_at;
}

double ClosedLoopRun::max_abs_cart() const {
  double worst = 0.0;
  for (double x : cart) worst = std::max(worst, std::abs(x));
  return worst;
}

double ClosedLoopRun::max_abs_force() const {
  double worst = 0.0;
  for (double u : force) worst = std::max(worst, std::abs(u));
  return worst;
}

ClosedLoopRun run_closed_loop(Controller& controller, const DipModel& plant, const State& x0,
                              double dt_s, double duration_s) {
  ClosedLoopRun run;
  Integrator integrator(IntegratorOptions{});  // rk4
  State x = x0;
  const auto steps = static_cast<std::int64_t>(std::llround(duration_s / dt_s));
  for (std::int64_t k = 0; k < steps; ++k) {
    const double u = controller.compute(x, k, dt_s);
    const AdvanceStatus status = integrator.advance(plant, x, u, dt_s);
    run.force.push_back(u);
    run.time_s.push_back(static_cast<double>(k + 1) * dt_s);
    run.max_angle.push_back(std::max(std::abs(x[theta1]), std::abs(x[theta2])));
    run.cart.push_back(x[StateIndex::x]);
    // A link past horizontal has fallen; nothing after that is a stabilisation question.
    if (status != AdvanceStatus::ok || !x.allFinite() ||
        run.max_angle.back() > std::numbers::pi / 2.0) {
      run.stayed_up = false;
      break;
    }
  }
  run.final_state = x;
  return run;
}

State tilted_start() {
  State x0 = State::Zero();
  x0[theta1] = 0.1;
  x0[theta2] = -0.05;
  return x0;
}

DipModel nominal_full_plant() {
  return DipModel(ModelKind::full, DipParams{});
}

ControllerConfig found_config(ControllerKind kind) {
  ControllerConfig config;
  config.kind = kind;
  switch (kind) {
    case ControllerKind::classical_smc:
      config.gains = {5.76, -22.8, 222.0, -578.0, 32.6, 3.13};  // [k1, k2, λ1, λ2, K, kd]
      break;
    case ControllerKind::sta_smc:
      config.gains = {32.6, 7.45, 5.76, -22.8, 38.6, 25.3};  // [K1, K2, k1, k2, λ1, λ2]
      break;
    case ControllerKind::adaptive_smc:
      config.gains = {19.7, -51.6, 46.1, 26.0, 2.0};  // [k1, k2, λ1, λ2, γ]
      break;
    case ControllerKind::hybrid_adaptive_sta_smc:
      // sta_smc's surface in the hybrid's order [c1, λ1, c2, λ2]; the seed's other knobs.
      config = default_config(kind);
      config.gains = {5.76, 38.6, -22.8, 25.3};
      config.enable_equivalent = false;
      break;
    case ControllerKind::conditional_hybrid:
      config = default_config(kind);
      config.gains = {19.7, -51.6, 46.1, 26.0};  // adaptive_smc's surface
      break;
    case ControllerKind::swing_up_smc:
      config = default_config(kind);
      config.stabilizer =
          std::make_shared<const ControllerConfig>(default_config(ControllerKind::lqr));
      break;
    case ControllerKind::lqr:
    case ControllerKind::open_loop:
    case ControllerKind::mpc_controller:
      config = default_config(kind);
      break;
  }
  return config;
}

}  // namespace simorch::test
