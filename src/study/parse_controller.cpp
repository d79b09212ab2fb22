#include <fmt/core.h>

#include <array>
#include <string_view>

#include "closest_key.hpp"
#include "simorch/error.hpp"
#include "study_sections.hpp"

namespace simorch::study_detail {
namespace {

constexpr std::array<std::string_view, 5> controller_names = {"classical_smc", "sta_smc",
                                                              "adaptive_smc", "lqr", "open_loop"};
constexpr std::array<std::string_view, 15> controller_keys = {"gains",
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
                                                              "sequence"};

ControllerKind parse_kind(const std::string& name) {
  for (std::size_t i = 0; i < controller_names.size(); ++i) {
    if (name == controller_names[i]) return static_cast<ControllerKind>(i);
  }
  throw ConfigError("monte_carlo.controller", name,
                    "allowed: " + join_keys(controller_names) +
                        " (the seed's other controllers are not supported)");
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
  ControllerConfig config;
  config.kind = parse_kind(name);
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

  // Seed-only keys (dt, smooth_switch, ...) are reported once; near misses are errors.
  map.collect_unread(controller_keys, ignored);
  fallback.collect_unread(std::array<std::string_view, 1>{"gains"}, ignored);
  simorch::validate(config, map.path());
  return config;
}

}  // namespace simorch::study_detail
