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
  }
  return nullptr;
}

}  // namespace simorch
