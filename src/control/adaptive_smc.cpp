#include <algorithm>
#include <cmath>

#include "control_laws.hpp"
#include "simorch/error.hpp"
#include "sliding_surface.hpp"

namespace simorch::detail {
namespace {

/// u = −d·(K·sat(σ/ε) + α·σ), σ = k1(θ̇1 + λ1θ1) + k2(θ̇2 + λ2θ2), with the switching gain
/// adapted per task: K̇ = γ|σ| − leak·(K − K0) while |σ| > dead_zone (held inside it),
/// |K̇| ≤ adapt_rate_limit, K ∈ [K_min, K_max]. No model-based term (as in dip-smc-pso).
class AdaptiveSmc final : public Controller {
 public:
  AdaptiveSmc(const ControllerConfig& config, const DipModel& design_model)
      : surface_(surface_of(config)),
        gamma_(config.gains[4]),
        alpha_(config.alpha),
        boundary_layer_(config.boundary_layer),
        max_force_(config.max_force),
        leak_rate_(config.leak_rate),
        dead_zone_(config.dead_zone),
        rate_limit_(config.adapt_rate_limit),
        k_min_(config.k_min),
        k_max_(config.k_max),
        k_init_(config.k_init),
        direction_(surface_.reaching_direction(design_model)),
        k_(config.k_init) {
    if (direction_ == 0.0) {
      throw Error("adaptive_smc: the force does not move the sliding surface at upright");
    }
  }

  double compute(const State& x, std::int64_t /*step*/, double dt) override {
    const double sigma = surface_.value(x);
    const double u = saturate(
        -direction_ * (k_ * unit_sat(sigma / boundary_layer_) + alpha_ * sigma), max_force_);
    // Inside the dead zone K is held, not leaked: the gain learned against a disturbance
    // must survive the quiet phase it produced.
    if (std::abs(sigma) > dead_zone_) {
      const double k_rate = std::clamp(gamma_ * std::abs(sigma) - leak_rate_ * (k_ - k_init_),
                                       -rate_limit_, rate_limit_);
      k_ = std::clamp(k_ + k_rate * dt, k_min_, k_max_);
    }
    return u;
  }

  std::unique_ptr<Controller> clone() const override {
    auto copy = std::make_unique<AdaptiveSmc>(*this);
    copy->k_ = k_init_;
    return copy;
  }

 private:
  SlidingSurface surface_;
  double gamma_;
  double alpha_;
  double boundary_layer_;
  double max_force_;
  double leak_rate_;
  double dead_zone_;
  double rate_limit_;
  double k_min_;
  double k_max_;
  double k_init_;
  double direction_;
  double k_;  ///< Adapted switching gain K (per-task state).
};

}  // namespace

std::unique_ptr<Controller> make_adaptive_smc(const ControllerConfig& config,
                                              const DipModel& design_model) {
  return std::make_unique<AdaptiveSmc>(config, design_model);
}

}  // namespace simorch::detail
