#pragma once

// The linear sliding surface shared by the three SMC laws, and their common helpers.

#include <algorithm>
#include <cmath>
#include <string>

#include "simorch/control/controller.hpp"
#include "simorch/error.hpp"
#include "simorch/model/dip_model.hpp"

namespace simorch::detail {

/// sat(v) = clamp(v, −1, 1); NaN passes through so a diverged task stays visible.
inline double unit_sat(double v) noexcept {
  return std::isnan(v) ? v : std::clamp(v, -1.0, 1.0);
}

/// Clamps u to ±max_force; NaN passes through (the orchestrator reports divergence).
inline double saturate(double u, double max_force) noexcept {
  return std::isnan(u) ? u : std::clamp(u, -max_force, max_force);
}

/// One explicit Euler step of a super-twisting integral z with rate z_rate, with the
/// anti-windup of sta_smc (docs/controllers.md): no step while the unclipped force u_raw
/// is beyond ±max_force and the step (through the reaching direction) would push it
/// further out, and z itself kept within ±max_force. Returns the new z.
inline double integrate_twisting(double z, double z_rate, double direction, double u_raw,
                                 double max_force, double dt) noexcept {
  const double push = direction * z_rate;
  const bool winds_up = (u_raw > max_force && push > 0.0) || (u_raw < -max_force && push < 0.0);
  if (winds_up || !std::isfinite(z_rate)) return z;
  return std::clamp(z + z_rate * dt, -max_force, max_force);
}

/// s = angle1·θ1 + angle2·θ2 + rate1·θ̇1 + rate2·θ̇2.
struct SlidingSurface {
  double angle1 = 0.0;
  double angle2 = 0.0;
  double rate1 = 0.0;
  double rate2 = 0.0;

  double value(const State& x) const noexcept {
    return angle1 * x[theta1] + angle2 * x[theta2] + rate1 * x[theta1_dot] + rate2 * x[theta2_dot];
  }

  /// ∂ṡ/∂u at state x of `model`: how strongly the force moves the surface.
  double input_gain(const ControlAffine& affine) const noexcept {
    return rate1 * affine.input[1] + rate2 * affine.input[2];
  }

  /// u_eq making ṡ = 0 on `model`: ṡ = angle·θ̇ + rate·(drift + input·u). Zero when the
  /// input gain is so small that u_eq would be noise amplified without bound.
  double equivalent_control(const DipModel& model, const State& x) const noexcept {
    const ControlAffine affine = model.control_affine(x);
    const double denominator = input_gain(affine);
    if (std::abs(denominator) <= kTinyInputGain * (std::abs(rate1) + std::abs(rate2))) {
      return 0.0;
    }
    const double numerator = angle1 * x[theta1_dot] + angle2 * x[theta2_dot] +
                             rate1 * affine.drift[1] + rate2 * affine.drift[2];
    return -numerator / denominator;
  }

  /// +1 or −1: the sign of ∂ṡ/∂u at upright on `model`. The reaching terms are multiplied
  /// by it so that, e.g., −K·sat(s) drives s towards 0 whatever the sign convention of the
  /// angles. (With positive surface gains the DIP's input gain is negative: pushing the
  /// cart forward tips the links backwards, so the unsigned law would push s away.)
  /// Returns 0 when the force does not move the surface at upright at all.
  double reaching_direction(const DipModel& model) const noexcept {
    const double gain = input_gain(model.control_affine(State::Zero()));
    if (!(std::abs(gain) > kTinyInputGain * (std::abs(rate1) + std::abs(rate2)))) {
      return 0.0;
    }
    return gain > 0.0 ? 1.0 : -1.0;
  }

  /// Relative threshold on |∂ṡ/∂u| below which u_eq is dropped (units 1/kg·m per unit gain;
  /// the nominal DIP has |∂θ̈1/∂u| ≈ 1).
  static constexpr double kTinyInputGain = 1e-6;
};

/// The surface an SMC law's gains define, in the seed's gain order (design.md,
/// "Controllers"): classical_smc [k1, k2, λ1, λ2, …] gives s = λ1θ1 + λ2θ2 + k1θ̇1 + k2θ̇2;
/// sta_smc [K1, K2, k1, k2, λ1, λ2], adaptive_smc and conditional_hybrid [k1, k2, λ1, λ2, …]
/// give σ = k1(θ̇1 + λ1θ1) + k2(θ̇2 + λ2θ2); hybrid_adaptive_sta_smc [c1, λ1, c2, λ2] gives
/// σ = c1(θ̇1 + λ1θ1) + c2(θ̇2 + λ2θ2). The one place the laws and the batch kernel read the
/// surface gains from; a zero surface for a kind without one. Expects validated gains.
inline SlidingSurface surface_of(const ControllerConfig& config) noexcept {
  const auto& g = config.gains;
  switch (config.kind) {
    case ControllerKind::classical_smc:
      return {g[2], g[3], g[0], g[1]};
    case ControllerKind::sta_smc:
      return {g[2] * g[4], g[3] * g[5], g[2], g[3]};
    case ControllerKind::adaptive_smc:
    case ControllerKind::conditional_hybrid:
      return {g[0] * g[2], g[1] * g[3], g[0], g[1]};
    case ControllerKind::hybrid_adaptive_sta_smc:
      return {g[0] * g[1], g[2] * g[3], g[0], g[2]};
    default:
      return {};
  }
}

/// What the classical, super-twisting and adaptive super-twisting laws share: the design
/// model, the surface of their gains, the force limit, whether they add u_eq, and the
/// reaching direction. Throws Error naming the law when the force does not move the
/// surface at upright (the law could not reach it).
struct SmcBase {
  SmcBase(const ControllerConfig& config, const DipModel& design_model)
      : model(design_model),
        surface(surface_of(config)),
        max_force(config.max_force),
        uses_equivalent(config.enable_equivalent),
        direction(surface.reaching_direction(design_model)) {
    if (direction == 0.0) {
      throw Error(std::string(to_string(config.kind)) +
                  ": the force does not move the sliding surface at upright");
    }
  }

  /// u_eq at x when the law adds it, else 0.
  double equivalent_control(const State& x) const noexcept {
    return uses_equivalent ? surface.equivalent_control(model, x) : 0.0;
  }

  DipModel model;
  SlidingSurface surface;
  double max_force;
  bool uses_equivalent;
  double direction;
};

}  // namespace simorch::detail
