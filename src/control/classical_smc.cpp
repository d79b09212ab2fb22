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
      : model_(design_model),
        surface_(surface_of(config)),
        switching_gain_(config.gains[4]),
        linear_gain_(config.gains[5]),
        boundary_layer_(config.boundary_layer),
        max_force_(config.max_force),
        uses_equivalent_(config.enable_equivalent),
        direction_(surface_.reaching_direction(design_model)) {
    if (direction_ == 0.0) {
      throw Error("classical_smc: the force does not move the sliding surface at upright");
    }
  }

  double compute(const State& x, std::int64_t /*step*/, double /*dt*/) override {
    const double s = surface_.value(x);
    const double u_eq = uses_equivalent_ ? surface_.equivalent_control(model_, x) : 0.0;
    const double reaching = switching_gain_ * unit_sat(s / boundary_layer_) + linear_gain_ * s;
    return saturate(u_eq - direction_ * reaching, max_force_);
  }

  std::unique_ptr<Controller> clone() const override {
    return std::make_unique<ClassicalSmc>(*this);
  }

 private:
  DipModel model_;
  SlidingSurface surface_;
  double switching_gain_;
  double linear_gain_;
  double boundary_layer_;
  double max_force_;
  bool uses_equivalent_;
  double direction_;
};

}  // namespace

std::unique_ptr<Controller> make_classical_smc(const ControllerConfig& config,
                                               const DipModel& design_model) {
  return std::make_unique<ClassicalSmc>(config, design_model);
}

}  // namespace simorch::detail
