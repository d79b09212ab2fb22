#include <fmt/core.h>

#include <array>
#include <cmath>
#include <string_view>

#include "simorch/error.hpp"
#include "study_sections.hpp"

namespace simorch::study_detail {
namespace {

constexpr std::array<std::string_view, 11> simulation_keys = {
    "duration", "dt",       "initial_state", "use_full_dynamics", "model", "integrator", "rtol",
    "atol",     "min_step", "bounds",        "settle_tolerance"};
constexpr std::array<std::string_view, 3> bounds_keys = {"max_abs_x", "max_abs_theta",
                                                         "max_abs_velocity"};
// A study of more control periods per task than this is a typo (dt: 1e-9), not a plan.
constexpr double max_steps_per_task = 1e10;

double positive(YamlMap& map, std::string_view key, double fallback, std::string_view unit) {
  const auto value = map.number(key);
  if (!value) return fallback;
  if (!(*value > 0.0)) {
    throw ConfigError(map.key_path(key), fmt::format("{}", *value),
                      fmt::format("allowed: a number > 0{}", unit));
  }
  return *value;
}

State parse_state(const YAML::Node& node, const std::string& path) {
  const std::vector<double> values = to_numbers(node, path);
  if (values.size() != 6) {
    throw ConfigError(path, describe(node),
                      "expected 6 numbers [x, theta1, theta2, x_dot, theta1_dot, theta2_dot]");
  }
  State state;
  for (Eigen::Index i = 0; i < 6; ++i) state(i) = values[static_cast<std::size_t>(i)];
  return state;
}

ModelKind parse_model(const std::string& name, const std::string& path) {
  return parse_name<ModelKind>(name, path);
}

IntegratorKind parse_integrator(const std::string& name, const std::string& path) {
  return parse_name<IntegratorKind>(name, path);
}

StateBounds parse_bounds(YamlMap bounds) {
  bounds.reject_unknown(bounds_keys);
  StateBounds result;
  result.max_abs_x = positive(bounds, "max_abs_x", result.max_abs_x, " [m]");
  result.max_abs_theta = positive(bounds, "max_abs_theta", result.max_abs_theta, " [rad]");
  result.max_abs_velocity = positive(bounds, "max_abs_velocity", result.max_abs_velocity, "");
  return result;
}

}  // namespace

SimulationSection parse_simulation(YamlMap section, std::vector<std::string>& ignored) {
  SimulationSection result;
  SimConfig& sim = result.sim;
  sim.dt = positive(section, "dt", sim.dt, " [s]");
  const auto duration = section.number("duration");
  if (duration) {
    if (!(*duration >= sim.dt)) {
      throw ConfigError(
          section.key_path("duration"), fmt::format("{}", *duration),
          fmt::format("allowed: at least one control period, >= dt = {} [s]", sim.dt));
    }
    sim.duration = *duration;
  } else if (sim.duration < sim.dt) {
    throw ConfigError(section.key_path("dt"), fmt::format("{}", sim.dt),
                      fmt::format("allowed: <= duration = {} [s]", sim.duration));
  }
  const double periods = sim.duration / sim.dt;
  if (periods > max_steps_per_task) {
    throw ConfigError(section.key_path("dt"), fmt::format("{}", sim.dt),
                      fmt::format("gives {:.3g} control periods per task; allowed: at most {:.0e}",
                                  periods, max_steps_per_task));
  }
  // The seed's duration / dt (10 / 0.01) is not exactly an integer in floating point;
  // only a visible mismatch deserves a warning.
  if (std::fabs(periods - std::round(periods)) > 1e-6 * periods) {
    result.warnings.push_back(fmt::format(
        "simulation.duration {} is not a multiple of dt {}: each task simulates {} periods ({} s)",
        sim.duration, sim.dt, sim.num_steps(), static_cast<double>(sim.num_steps()) * sim.dt));
  }
  if (const auto node = section.take("initial_state")) {
    result.nominal_state = parse_state(*node, section.key_path("initial_state"));
  }
  if (const auto full = section.boolean("use_full_dynamics")) {
    sim.model = *full ? ModelKind::full : ModelKind::simplified;
  }
  // simorch's own key wins over the seed's boolean when both are given.
  if (const auto model = section.text("model")) {
    sim.model = parse_model(*model, section.key_path("model"));
  }
  if (const auto integrator = section.text("integrator")) {
    sim.integrator.kind = parse_integrator(*integrator, section.key_path("integrator"));
  }
  sim.integrator.rtol = positive(section, "rtol", sim.integrator.rtol, "");
  sim.integrator.atol = positive(section, "atol", sim.integrator.atol, "");
  sim.integrator.min_step = positive(section, "min_step", sim.integrator.min_step, " [s]");
  if (sim.integrator.min_step > sim.dt) {
    throw ConfigError(section.key_path("min_step"), fmt::format("{}", sim.integrator.min_step),
                      fmt::format("allowed: a number in (0, dt = {}] [s]", sim.dt));
  }
  sim.bounds = parse_bounds(section.section("bounds"));
  sim.settle_tolerance = positive(section, "settle_tolerance", sim.settle_tolerance, " [rad]");
  section.collect_unread(simulation_keys, ignored);
  return result;
}

}  // namespace simorch::study_detail
