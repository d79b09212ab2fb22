#include "control_laws.hpp"
#include "simorch/control/controller.hpp"

namespace simorch {
namespace {

struct LawFactory {
  ControllerKind kind;
  detail::MakeControlLaw* make;
};

constexpr LawFactory law_factories[] = {
    {ControllerKind::classical_smc, &detail::make_classical_smc},
    {ControllerKind::sta_smc, &detail::make_sta_smc},
    {ControllerKind::adaptive_smc, &detail::make_adaptive_smc},
    {ControllerKind::lqr, &detail::make_lqr},
    {ControllerKind::open_loop, &detail::make_open_loop},
    {ControllerKind::hybrid_adaptive_sta_smc, &detail::make_hybrid_adaptive_sta_smc},
    {ControllerKind::conditional_hybrid, &detail::make_conditional_hybrid},
    {ControllerKind::swing_up_smc, &detail::make_swing_up_smc},
    {ControllerKind::mpc_controller, &detail::make_mpc_controller}};

}  // namespace

std::unique_ptr<Controller> make_controller(const ControllerConfig& config,
                                            const DipModel& design_model) {
  // Callers usually validated with the study's key path already; validating again here
  // keeps a hand-built config from producing a controller with meaningless gains.
  validate(config, "controller");
  for (const LawFactory& law : law_factories) {
    if (law.kind == config.kind) return law.make(config, design_model);
  }
  return nullptr;
}

}  // namespace simorch
