#include "sim/validate_sim_config.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "simorch/error.hpp"

namespace simorch::detail {
namespace {

std::string text(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void require_positive(double value, const char* key, const char* unit) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    throw ConfigError(key, text(value), std::string("allowed: a finite number > 0") + unit);
  }
}

}  // namespace

void validate(const SimConfig& config) {
  require_positive(config.dt, "simulation.dt", " [s]");
  if (!(config.duration >= config.dt) || !std::isfinite(config.duration)) {
    throw ConfigError("simulation.duration", text(config.duration),
                      "allowed: a finite number >= dt = " + text(config.dt) + " [s]");
  }
  if (config.save_every < 0) {
    throw ConfigError("output.save_every", std::to_string(config.save_every),
                      "allowed: an integer >= 0 (0: no trajectory)");
  }
  require_positive(config.integrator.rtol, "simulation.rtol", "");
  require_positive(config.integrator.atol, "simulation.atol", "");
  require_positive(config.integrator.min_step, "simulation.min_step", " [s]");
  if (config.integrator.min_step > config.dt) {
    throw ConfigError("simulation.min_step", text(config.integrator.min_step),
                      "allowed: a number in (0, dt = " + text(config.dt) + "] [s]");
  }
  require_positive(config.settle_tolerance, "simulation.settle_tolerance", " [rad]");
  require_positive(config.bounds.max_abs_x, "simulation.bounds.max_abs_x", " [m]");
  require_positive(config.bounds.max_abs_theta, "simulation.bounds.max_abs_theta", " [rad]");
  require_positive(config.bounds.max_abs_velocity, "simulation.bounds.max_abs_velocity", "");
}

}  // namespace simorch::detail
