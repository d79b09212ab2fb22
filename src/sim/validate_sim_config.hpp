#pragma once

#include "simorch/sim/sim_config.hpp"

namespace simorch::detail {

/// Throws ConfigError for a SimConfig no task could run with, using the study file's key
/// paths (simulation.*, output.save_every).
void validate(const SimConfig& config);

}  // namespace simorch::detail
