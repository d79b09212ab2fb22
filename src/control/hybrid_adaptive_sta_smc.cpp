#include <algorithm>
#include <cmath>

#include "control_laws.hpp"
#include "simorch/error.hpp"
#include "sliding_surface.hpp"

namespace simorch::detail {
namespace {

/// Adaptive super-twisting (dip-smc-pso's hybrid_adaptive_sta_smc):
///   σ = c1(θ̇1 + λ1θ1) + c2(θ̇2 + λ2θ2)
///   u = u_eq + d·(−k1·√|σ|·sat(σ/w) + z − damping_gain·σ),  ż = −k2·sat(σ/w)
///   k̇i = clamp(γi·|σ| − gain_leak·(ki − ki_init), ±adapt_rate_limit) outside the dead zone
/// with ki ∈ [0, K_max]. z, k1, k2 are the per-task state; z has sta_smc's anti-windup.
class HybridAdaptiveStaSmc final : public Controller {
 public:
  HybridAdaptiveStaSmc(const ControllerConfig& config, const DipModel& design_model)
      : smc_(config, design_model),
        k1_init_(config.k1_init),
        k2_init_(config.k2_init),
        gamma1_(config.gamma1),
        gamma2_(config.gamma2),
        leak_(config.gain_leak),
        dead_zone_(config.dead_zone),
        rate_limit_(config.adapt_rate_limit),
        k_max_(config.k_max),
        damping_(config.damping_gain),
        width_(config.sat_soft_width),
        k1_(config.k1_init),
        k2_(config.k2_init) {}

  double compute(const State& x, std::int64_t /*step*/, double dt) override {
    const double sigma = smc_.surface.value(x);
    const double switching = unit_sat(sigma / width_);
    const double u_eq = smc_.equivalent_control(x);
    const double twisting = -k1_ * std::sqrt(std::abs(sigma)) * switching + z_ - damping_ * sigma;
    const double u_raw = u_eq + smc_.direction * twisting;
    const double u = saturate(u_raw, smc_.max_force);

    // Same anti-windup as sta_smc: no integration towards a saturated actuator.
    z_ = integrate_twisting(z_, -k2_ * switching, smc_.direction, u_raw, smc_.max_force, dt);
    // Gains are held inside the dead zone (as in the seed), so noise does not ratchet them.
    const double magnitude = std::abs(sigma);
    if (magnitude > dead_zone_ && std::isfinite(magnitude)) {
      k1_ = adapt(k1_, gamma1_ * magnitude - leak_ * (k1_ - k1_init_), dt);
      k2_ = adapt(k2_, gamma2_ * magnitude - leak_ * (k2_ - k2_init_), dt);
    }
    return u;
  }

  std::unique_ptr<Controller> clone() const override {
    auto copy = std::make_unique<HybridAdaptiveStaSmc>(*this);
    copy->z_ = 0.0;
    copy->k1_ = k1_init_;
    copy->k2_ = k2_init_;
    return copy;
  }

 private:
  double adapt(double gain, double rate, double dt) const noexcept {
    return std::clamp(gain + std::clamp(rate, -rate_limit_, rate_limit_) * dt, 0.0, k_max_);
  }

  SmcBase smc_;
  double k1_init_, k2_init_, gamma1_, gamma2_, leak_, dead_zone_, rate_limit_, k_max_;
  double damping_;
  double width_;
  double k1_;       ///< adapted twisting gain (per task)
  double k2_;       ///< adapted integral gain (per task)
  double z_ = 0.0;  ///< super-twisting integral [N] (per task)
};

}  // namespace

std::unique_ptr<Controller> make_hybrid_adaptive_sta_smc(const ControllerConfig& config,
                                                         const DipModel& design_model) {
  return std::make_unique<HybridAdaptiveStaSmc>(config, design_model);
}

}  // namespace simorch::detail
