#pragma once

// Factories of the individual control laws; make_controller() dispatches to them.

#include <memory>

#include "simorch/control/controller.hpp"

namespace simorch::detail {

/// Each expects a config that passed validate().
std::unique_ptr<Controller> make_classical_smc(const ControllerConfig& config,
                                               const DipModel& design_model);
std::unique_ptr<Controller> make_sta_smc(const ControllerConfig& config,
                                         const DipModel& design_model);
std::unique_ptr<Controller> make_adaptive_smc(const ControllerConfig& config,
                                              const DipModel& design_model);
std::unique_ptr<Controller> make_lqr(const ControllerConfig& config, const DipModel& design_model);
std::unique_ptr<Controller> make_open_loop(const ControllerConfig& config);
std::unique_ptr<Controller> make_hybrid_adaptive_sta_smc(const ControllerConfig& config,
                                                         const DipModel& design_model);
std::unique_ptr<Controller> make_conditional_hybrid(const ControllerConfig& config,
                                                    const DipModel& design_model);
std::unique_ptr<Controller> make_swing_up_smc(const ControllerConfig& config,
                                              const DipModel& design_model);
std::unique_ptr<Controller> make_mpc_controller(const ControllerConfig& config,
                                                const DipModel& design_model);

}  // namespace simorch::detail
