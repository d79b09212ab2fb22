#pragma once

// Factories of the individual control laws; make_controller() dispatches to them.

#include <memory>

#include "simorch/control/controller.hpp"

namespace simorch::detail {

/// The factory of one control law; each expects a config that passed validate().
using MakeControlLaw = std::unique_ptr<Controller>(const ControllerConfig& config,
                                                   const DipModel& design_model);

/// One factory per ControllerKind, defined in the law's own file.
MakeControlLaw make_classical_smc, make_sta_smc, make_adaptive_smc, make_lqr, make_open_loop,
    make_hybrid_adaptive_sta_smc, make_conditional_hybrid, make_swing_up_smc, make_mpc_controller;

}  // namespace simorch::detail
