#include "control_laws.hpp"
#include "simorch/control/controller.hpp"

namespace simorch {

std::unique_ptr<Controller> make_controller(const ControllerConfig& config,
                                            const DipModel& design_model) {
  // Callers usually validated with the study's key path already; validating again here
  // keeps a hand-built config from producing a controller with meaningless gains.
  validate(config, "controller");
  switch (config.kind) {
    case ControllerKind::classical_smc:
      return detail::make_classical_smc(config, design_model);
    case ControllerKind::sta_smc:
      return detail::make_sta_smc(config, design_model);
    case ControllerKind::adaptive_smc:
      return detail::make_adaptive_smc(config, design_model);
    case ControllerKind::lqr:
      return detail::make_lqr(config, design_model);
    case ControllerKind::open_loop:
      return detail::make_open_loop(config);
    case ControllerKind::hybrid_adaptive_sta_smc:
      return detail::make_hybrid_adaptive_sta_smc(config, design_model);
    case ControllerKind::conditional_hybrid:
      return detail::make_conditional_hybrid(config, design_model);
    case ControllerKind::swing_up_smc:
      return detail::make_swing_up_smc(config, design_model);
    case ControllerKind::mpc_controller:
      return detail::make_mpc_controller(config, design_model);
  }
  return nullptr;
}

}  // namespace simorch
