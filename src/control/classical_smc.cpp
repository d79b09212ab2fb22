#include "control_laws.hpp"
#include "simorch/error.hpp"
#include "sliding_surface.hpp"

namespace simorch::detail {
namespace {

/// u = u_eq − d·(K·sat(s/ε) + kd·s), s = λ1θ1 + λ2θ2 + k1θ̇1 + k2θ̇2, d the reaching
/// direction of the surface (sliding_surface.hpp). Stateless.
class ClassicalSmc final : public Controller {
 public:
  ClassicalSmc(const ControllerConfig& config, const DipModel& design_model)
      : smc_(config, design_model),
        switching_gain_(config.gains[4]),
        linear_gain_(config.gains[5]),
        boundary_layer_(config.boundary_layer) {}

  double compute(const State& x, std::int64_t /*step*/, double /*dt*/) override {
    const double s = smc_.surface.value(x);
    const double u_eq = smc_.equivalent_control(x);
    const double reaching = switching_gain_ * unit_sat(s / boundary_layer_) + linear_gain_ * s;
    return saturate(u_eq - smc_.direction * reaching, smc_.max_force);
  }

  std::unique_ptr<Controller> clone() const override {
    return std::make_unique<ClassicalSmc>(*this);
  }

 private:
  SmcBase smc_;
  double switching_gain_;
  double linear_gain_;
  double boundary_layer_;
};

}  // namespace

std::unique_ptr<Controller> make_classical_smc(const ControllerConfig& config,
                                               const DipModel& design_model) {
  return std::make_unique<ClassicalSmc>(config, design_model);
}

}  // namespace simorch::detail
