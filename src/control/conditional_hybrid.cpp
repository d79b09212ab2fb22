#include <algorithm>
#include <cmath>

#include "control_laws.hpp"
#include "simorch/error.hpp"
#include "sliding_surface.hpp"

namespace simorch::detail {
namespace {

double margin(double value) noexcept {
  return std::clamp(value, 0.0, 1.0);
}

/// dip-smc-pso's conditional_hybrid: an adaptive SMC baseline everywhere, plus a
/// super-twisting term weighted by how safe the state is:
///   σ = k1(θ̇1 + λ1θ1) + k2(θ̇2 + λ2θ2)
///   u = −d·(K·sat(σ/ε) + damping_gain·σ) + β·d·(−γ1·√|σ|·sat(σ/ε) + z)
///   β = w_angle·a + w_surface·s + w_singularity·b when a, s, b > 0, else 0, where
///   a = 1 − max|θi|/angle_threshold, s = 1 − |σ|/surface_threshold,
///   b = |B_eq|/B_eq_threshold − 1 (each clamped to [0, 1]), B_eq = ∂σ̇/∂u at x;
///   K̇ = alpha·|σ| − leak_rate·(K − K_init) outside the dead zone, ż = −γ2·sat(σ/ε)
///   while β > 0 (held otherwise). K, z are the per-task state.
class ConditionalHybrid final : public Controller {
 public:
  ConditionalHybrid(const ControllerConfig& c, const DipModel& design_model)
      : model_(design_model),
        surface_(surface_of(c)),
        config_(c),
        direction_(surface_.reaching_direction(design_model)),
        k_(c.k_init) {
    if (direction_ == 0.0) {
      throw Error("conditional_hybrid: the force does not move the sliding surface at upright");
    }
  }

  double compute(const State& x, std::int64_t /*step*/, double dt) override {
    const ControllerConfig& c = config_;
    const double sigma = surface_.value(x);
    const double switching = unit_sat(sigma / c.epsilon_min);
    const double baseline = -direction_ * (k_ * switching + c.damping_gain * sigma);

    const double weight = safety_weight(x, sigma);
    const double twisting =
        weight * direction_ * (-c.gamma1 * std::sqrt(std::abs(sigma)) * switching + z_);
    const double u = saturate(baseline + twisting, c.max_force);

    if (weight > 0.0 && std::isfinite(switching)) {
      z_ = std::clamp(z_ - c.gamma2 * switching * dt, -c.max_force, c.max_force);
    }
    const double magnitude = std::abs(sigma);
    if (magnitude > c.dead_zone && std::isfinite(magnitude)) {
      const double rate = std::clamp(c.alpha * magnitude - c.leak_rate * (k_ - c.k_init),
                                     -c.adapt_rate_limit, c.adapt_rate_limit);
      k_ = std::clamp(k_ + rate * dt, c.k_min, c.k_max);
    }
    return u;
  }

  std::unique_ptr<Controller> clone() const override {
    auto copy = std::make_unique<ConditionalHybrid>(*this);
    copy->k_ = config_.k_init;
    copy->z_ = 0.0;
    return copy;
  }

 private:
  /// β ∈ [0, 1]: 0 outside the safe region (any margin exhausted), else the blend.
  double safety_weight(const State& x, double sigma) const noexcept {
    const ControllerConfig& c = config_;
    const double angle =
        margin(1.0 - std::max(std::abs(x[theta1]), std::abs(x[theta2])) / c.angle_threshold);
    const double surface = margin(1.0 - std::abs(sigma) / c.surface_threshold);
    const double b_eq = std::abs(surface_.input_gain(model_.control_affine(x)));
    // A zero threshold means "never singular": full singularity margin.
    const double singularity = c.b_eq_threshold > 0.0 ? margin(b_eq / c.b_eq_threshold - 1.0) : 1.0;
    if (!(angle > 0.0 && surface > 0.0 && singularity > 0.0)) return 0.0;
    return c.w_angle * angle + c.w_surface * surface + c.w_singularity * singularity;
  }

  DipModel model_;
  SlidingSurface surface_;
  ControllerConfig config_;
  double direction_;
  double k_;        ///< adapted switching gain (per task)
  double z_ = 0.0;  ///< super-twisting integral (per task)
};

}  // namespace

std::unique_ptr<Controller> make_conditional_hybrid(const ControllerConfig& config,
                                                    const DipModel& design_model) {
  return std::make_unique<ConditionalHybrid>(config, design_model);
}

}  // namespace simorch::detail
