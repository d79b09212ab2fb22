#include <algorithm>
#include <cmath>

#include "control_laws.hpp"
#include "simorch/error.hpp"
#include "sliding_surface.hpp"

namespace simorch::detail {
namespace {

/// Super-twisting: u = u_eq + d·(−K1·√|σ|·sat(σ/ε) + z − damping·σ), ż = −K2·sat(σ/ε),
/// σ = k1(θ̇1 + λ1θ1) + k2(θ̇2 + λ2θ2). z is the per-task state.
class StaSmc final : public Controller {
 public:
  StaSmc(const ControllerConfig& config, const DipModel& design_model)
      : smc_(config, design_model),
        twist_gain_(config.gains[0]),
        integral_gain_(config.gains[1]),
        damping_(config.damping_gain),
        boundary_layer_(config.boundary_layer) {}

  double compute(const State& x, std::int64_t /*step*/, double dt) override {
    const double sigma = smc_.surface.value(x);
    const double switching = unit_sat(sigma / boundary_layer_);
    const double u_eq = smc_.equivalent_control(x);
    const double twisting =
        -twist_gain_ * std::sqrt(std::abs(sigma)) * switching + z_ - damping_ * sigma;
    const double u_raw = u_eq + smc_.direction * twisting;
    const double u = saturate(u_raw, smc_.max_force);

    // Anti-windup: stop integrating while the actuator is saturated in the direction the
    // integral would push it further, and never let z alone exceed what the actuator can do.
    z_ = integrate_twisting(z_, -integral_gain_ * switching, smc_.direction, u_raw, smc_.max_force,
                            dt);
    return u;
  }

  std::unique_ptr<Controller> clone() const override {
    auto copy = std::make_unique<StaSmc>(*this);
    copy->z_ = 0.0;
    return copy;
  }

 private:
  SmcBase smc_;
  double twist_gain_;     ///< K1
  double integral_gain_;  ///< K2
  double damping_;
  double boundary_layer_;
  double z_ = 0.0;  ///< Super-twisting integral term [N].
};

}  // namespace

std::unique_ptr<Controller> make_sta_smc(const ControllerConfig& config,
                                         const DipModel& design_model) {
  return std::make_unique<StaSmc>(config, design_model);
}

}  // namespace simorch::detail
