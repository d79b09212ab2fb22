#include <fmt/core.h>

#include <array>
#include <string_view>

#include "closest_key.hpp"
#include "simorch/error.hpp"
#include "study_sections.hpp"

namespace simorch::study_detail {
namespace {

constexpr std::array<std::string_view, 41> controller_keys = {"gains",
                                                              "max_force",
                                                              "boundary_layer",
                                                              "enable_equivalent",
                                                              "damping_gain",
                                                              "alpha",
                                                              "leak_rate",
                                                              "dead_zone",
                                                              "adapt_rate_limit",
                                                              "K_min",
                                                              "K_max",
                                                              "K_init",
                                                              "q",
                                                              "r",
                                                              "sequence",
                                                              "k1_init",
                                                              "k2_init",
                                                              "gamma1",
                                                              "gamma2",
                                                              "gain_leak",
                                                              "sat_soft_width",
                                                              "angle_threshold",
                                                              "surface_threshold",
                                                              "B_eq_threshold",
                                                              "w_angle",
                                                              "w_surface",
                                                              "w_singularity",
                                                              "epsilon_min",
                                                              "stabilizing_controller",
                                                              "switch_energy_factor",
                                                              "switch_angle_tolerance",
                                                              "exit_energy_factor",
                                                              "reentry_angle_tolerance",
                                                              "horizon",
                                                              "q_x",
                                                              "q_theta",
                                                              "r_u"};

ControllerKind parse_kind(const std::string& name) {
  return parse_name<ControllerKind>(name, "monte_carlo.controller");
}

/// A map under `parent` named like the chosen controller but misspelt would otherwise be
/// skipped silently and its gains replaced by defaults.
void reject_misspelt_map(const YamlMap& parent, const std::string& name) {
  if (parent.contains(name)) return;
  for (const std::string& key : parent.keys()) {
    if (is_near_miss(key, name)) {
      throw ConfigError(
          parent.key_path(key), "",
          "unknown controller; did you mean '" + name + "' (monte_carlo.controller)?");
    }
  }
}

void read_number(YamlMap& map, std::string_view key, double& field) {
  if (const auto value = map.number(key)) field = *value;
}

}  // namespace

ControllerConfig parse_controller(YamlMap controllers, YamlMap defaults, const std::string& name,
                                  std::vector<std::string>& ignored) {
  ControllerConfig config = default_config(parse_kind(name));
  reject_misspelt_map(controllers, name);
  reject_misspelt_map(defaults, name);
  YamlMap map = controllers.section(name);
  YamlMap fallback = defaults.section(name);

  // Both are read (and type-checked) so that the defaults are not reported as ignored.
  auto gains = map.numbers("gains");
  auto default_gains = fallback.numbers("gains");
  if (gains) {
    config.gains = std::move(*gains);
  } else if (default_gains) {
    config.gains = std::move(*default_gains);
    // Name the section the gains came from; validate() below knows only one prefix.
    if (config.gains.size() != expected_gain_count(config.kind)) {
      throw ConfigError(
          fallback.key_path("gains"), describe(*fallback.take("gains")),
          fmt::format("expected {} gains for {}", expected_gain_count(config.kind), name));
    }
  }
  read_number(map, "max_force", config.max_force);
  read_number(map, "boundary_layer", config.boundary_layer);
  if (const auto value = map.boolean("enable_equivalent")) config.enable_equivalent = *value;
  read_number(map, "damping_gain", config.damping_gain);
  read_number(map, "alpha", config.alpha);
  read_number(map, "leak_rate", config.leak_rate);
  read_number(map, "dead_zone", config.dead_zone);
  read_number(map, "adapt_rate_limit", config.adapt_rate_limit);
  // The seed spells the adaptive gain bounds with a capital K.
  read_number(map, "K_min", config.k_min);
  read_number(map, "K_max", config.k_max);
  read_number(map, "K_init", config.k_init);
  if (auto q = map.numbers("q")) config.q = std::move(*q);
  read_number(map, "r", config.r);
  if (auto sequence = map.numbers("sequence")) config.sequence = std::move(*sequence);
  read_number(map, "k1_init", config.k1_init);
  read_number(map, "k2_init", config.k2_init);
  read_number(map, "gamma1", config.gamma1);
  read_number(map, "gamma2", config.gamma2);
  read_number(map, "gain_leak", config.gain_leak);
  read_number(map, "sat_soft_width", config.sat_soft_width);
  read_number(map, "angle_threshold", config.angle_threshold);
  read_number(map, "surface_threshold", config.surface_threshold);
  read_number(map, "B_eq_threshold", config.b_eq_threshold);
  read_number(map, "w_angle", config.w_angle);
  read_number(map, "w_surface", config.w_surface);
  read_number(map, "w_singularity", config.w_singularity);
  read_number(map, "epsilon_min", config.epsilon_min);
  read_number(map, "switch_energy_factor", config.switch_energy_factor);
  read_number(map, "switch_angle_tolerance", config.switch_angle_tolerance);
  read_number(map, "exit_energy_factor", config.exit_energy_factor);
  read_number(map, "reentry_angle_tolerance", config.reentry_angle_tolerance);
  if (const auto horizon = map.integer("horizon")) config.horizon = *horizon;
  read_number(map, "q_x", config.q_x);
  read_number(map, "q_theta", config.q_theta);
  read_number(map, "r_u", config.r_u);
  if (config.kind == ControllerKind::swing_up_smc) {
    // The stabiliser is another section of the same `controllers:` map, read with the
    // same rules (its own gains, its defaults, its ignored keys).
    const std::string stabilizer = map.text("stabilizing_controller").value_or("classical_smc");
    if (stabilizer == name) {
      throw ConfigError(map.key_path("stabilizing_controller"), stabilizer,
                        "a stabilising controller other than swing_up_smc");
    }
    parse_name<ControllerKind>(stabilizer, map.key_path("stabilizing_controller"));
    config.stabilizer = std::make_shared<const ControllerConfig>(
        parse_controller(controllers, defaults, stabilizer, ignored));
  }

  // Seed-only keys (dt, smooth_switch, ...) are reported once; near misses are errors.
  map.collect_unread(controller_keys, ignored);
  fallback.collect_unread(std::array<std::string_view, 1>{"gains"}, ignored);
  simorch::validate(config, map.path());
  return config;
}

}  // namespace simorch::study_detail
