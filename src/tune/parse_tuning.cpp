#include <fmt/core.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "simorch/error.hpp"
#include "simorch/tune/tuning_config.hpp"

namespace simorch {
namespace {

std::string describe(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

/// A key given twice with different values: yaml-cpp keeps the first, PyYAML the last
/// (the seed's reference config has `pso.iters` twice), so neither can be trusted.
void reject_conflicting_duplicates(const YAML::Node& map, const std::string& path) {
  if (!map.IsMap()) return;
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& entry : map) {
    const auto key = entry.first.as<std::string>();
    const std::string value = describe(entry.second);
    for (const auto& [k, v] : seen) {
      if (k == key && v != value) {
        throw ConfigError(path + "." + key, v + " and " + value,
                          "one value (the key is given twice; delete one)");
      }
    }
    seen.emplace_back(key, value);
  }
}

double number(const YAML::Node& node, const std::string& key, double fallback) {
  if (!node || node.IsNull()) return fallback;
  try {
    return node.as<double>();
  } catch (const YAML::Exception&) {
    throw ConfigError(key, describe(node), "a number");
  }
}

std::int64_t integer(const YAML::Node& node, const std::string& key, std::int64_t fallback,
                     std::int64_t minimum) {
  if (!node || node.IsNull()) return fallback;
  std::int64_t value = 0;
  try {
    value = node.as<std::int64_t>();
  } catch (const YAML::Exception&) {
    throw ConfigError(key, describe(node), fmt::format("an integer >= {}", minimum));
  }
  if (value < minimum) {
    throw ConfigError(key, describe(node), fmt::format("an integer >= {}", minimum));
  }
  return value;
}

std::vector<double> numbers(const YAML::Node& node, const std::string& key) {
  if (!node.IsSequence()) throw ConfigError(key, describe(node), "a list of numbers");
  std::vector<double> values;
  for (const auto& item : node) values.push_back(number(item, key, 0.0));
  return values;
}

void require_non_negative(double value, const std::string& key) {
  if (!(value >= 0.0) || !std::isfinite(value)) {
    throw ConfigError(key, fmt::format("{}", value), "a number >= 0");
  }
}

/// One number of a map under cost_function: its key and the field it sets.
struct CostNumber {
  const char* key;
  double CostConfig::*field;
};

constexpr CostNumber weight_numbers[] = {{"state_error", &CostConfig::weight_state_error},
                                         {"control_effort", &CostConfig::weight_control_effort},
                                         {"control_rate", &CostConfig::weight_control_rate},
                                         {"stability", &CostConfig::weight_stability}};
constexpr CostNumber norm_numbers[] = {{"state_error", &CostConfig::norm_state_error},
                                       {"control_effort", &CostConfig::norm_control_effort},
                                       {"control_rate", &CostConfig::norm_control_rate},
                                       {"sliding", &CostConfig::norm_sliding}};
constexpr CostNumber combine_numbers[] = {{"mean", &CostConfig::combine_mean},
                                          {"max", &CostConfig::combine_max}};
constexpr CostNumber top_numbers[] = {
    {"instability_penalty", &CostConfig::instability_penalty},
    {"normalization_threshold", &CostConfig::normalization_threshold}};

/// Reads `numbers` from `map` (at key path `path`) into `c`, keeping the defaults of absent
/// keys; with `is_non_negative` each must be >= 0 (the norms only scale and may be anything).
void read_numbers(const YAML::Node& map, const std::string& path,
                  std::span<const CostNumber> numbers, bool is_non_negative, CostConfig& c) {
  for (const CostNumber& n : numbers) {
    const std::string key = path + "." + n.key;
    c.*n.field = number(map[n.key], key, c.*n.field);
    if (is_non_negative) require_non_negative(c.*n.field, key);
  }
}

CostConfig parse_cost(const YAML::Node& section) {
  CostConfig c;
  if (!section) return c;
  reject_conflicting_duplicates(section, "cost_function");
  read_numbers(section["weights"], "cost_function.weights", weight_numbers, true, c);
  read_numbers(section["norms"], "cost_function.norms", norm_numbers, false, c);
  read_numbers(section["combine_weights"], "cost_function.combine_weights", combine_numbers, true,
               c);
  read_numbers(section, "cost_function", top_numbers, true, c);
  return c;
}

/// True for the gains that are surface weights simorch allows to be negative
/// (docs/controllers.md, "Gain signs").
bool is_signed_surface_weight(ControllerKind kind, std::size_t i) {
  switch (kind) {
    case ControllerKind::classical_smc:
      return i < 4;
    case ControllerKind::sta_smc:
      return i == 2 || i == 3;
    case ControllerKind::adaptive_smc:
    case ControllerKind::conditional_hybrid:
      return i < 2;
    case ControllerKind::hybrid_adaptive_sta_smc:
      return i == 0 || i == 2;
    default:
      return false;
  }
}

}  // namespace

TuningConfig parse_tuning(std::string_view yaml_text, const Study& study) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    throw ConfigError("study", "", std::string("valid YAML: ") + e.what());
  }
  const std::string kind(to_string(study.controller.kind));
  const std::size_t dims = expected_gain_count(study.controller.kind);
  if (dims == 0) {
    throw ConfigError("monte_carlo.controller", kind,
                      "a controller with gains to tune (classical_smc, sta_smc, adaptive_smc, "
                      "hybrid_adaptive_sta_smc, conditional_hybrid)");
  }
  TuningConfig t;
  const YAML::Node pso = root["pso"];
  const YAML::Node tuning = root["tuning"];
  if (pso) reject_conflicting_duplicates(pso, "pso");
  if (tuning) reject_conflicting_duplicates(tuning, "tuning");
  t.n_particles = integer(pso["n_particles"], "pso.n_particles", t.n_particles, 2);
  t.iters = integer(pso["iters"], "pso.iters", t.iters, 1);
  t.w = number(pso["w"], "pso.w", t.w);
  t.c1 = number(pso["c1"], "pso.c1", t.c1);
  t.c2 = number(pso["c2"], "pso.c2", t.c2);
  t.seed = static_cast<std::uint64_t>(integer(pso["seed"], "pso.seed", 42, 0));
  require_non_negative(t.w, "pso.w");
  require_non_negative(t.c1, "pso.c1");
  require_non_negative(t.c2, "pso.c2");

  // tuning: overrides for what the seed cannot say.
  if (tuning) {
    t.n_particles = integer(tuning["n_particles"], "tuning.n_particles", t.n_particles, 2);
    t.iters = integer(tuning["iters"], "tuning.iters", t.iters, 1);
  }
  // Default: 20 samples, or every task of a smaller study.
  t.samples =
      integer(tuning["samples"], "tuning.samples",
              std::min<std::int64_t>(t.samples, static_cast<std::int64_t>(study.num_tasks())), 1);
  t.validation_samples =
      integer(tuning["validation_samples"], "tuning.validation_samples", t.validation_samples, 1);
  t.validation_seed = static_cast<std::uint64_t>(
      integer(tuning["validation_seed"], "tuning.validation_seed",
              static_cast<std::int64_t>(study.monte_carlo.seed + 1000003), 0));
  if (tuning && tuning["start_from_study_gains"]) {
    try {
      t.is_seeded_with_study_gains = tuning["start_from_study_gains"].as<bool>();
    } catch (const YAML::Exception&) {
      throw ConfigError("tuning.start_from_study_gains", describe(tuning["start_from_study_gains"]),
                        "true or false");
    }
  }
  if (static_cast<std::uint64_t>(t.samples) > study.num_tasks()) {
    throw ConfigError("tuning.samples", std::to_string(t.samples),
                      fmt::format("at most monte_carlo's {} tasks (the samples are tasks "
                                  "0 … samples-1 of the study)",
                                  study.num_tasks()));
  }

  const bool has_own_bounds = tuning && tuning["bounds"] && !tuning["bounds"].IsNull();
  t.bounds_key = has_own_bounds ? "tuning.bounds" : "pso.bounds." + kind;
  // yaml-cpp nodes are references: choose without assigning one node to another.
  const YAML::Node bounds = has_own_bounds         ? tuning["bounds"]
                            : pso && pso["bounds"] ? pso["bounds"][kind]
                                                   : YAML::Node(YAML::NodeType::Undefined);
  if (!bounds || bounds.IsNull()) {
    throw ConfigError(
        "tuning.bounds", "",
        fmt::format("min and max lists of {} gains for {} (or pso.bounds.{})", dims, kind, kind));
  }
  t.lower = numbers(bounds["min"], t.bounds_key + ".min");
  t.upper = numbers(bounds["max"], t.bounds_key + ".max");
  for (const auto* side : {&t.lower, &t.upper}) {
    if (side->size() != dims) {
      throw ConfigError(t.bounds_key + (side == &t.lower ? ".min" : ".max"),
                        fmt::format("a list of length {}", side->size()),
                        fmt::format("{} gains for {}", dims, kind));
    }
  }
  bool is_all_positive = true;
  for (std::size_t i = 0; i < dims; ++i) {
    if (!(t.lower[i] < t.upper[i]) || !std::isfinite(t.lower[i]) || !std::isfinite(t.upper[i])) {
      throw ConfigError(fmt::format("{}.min[{}]", t.bounds_key, i),
                        fmt::format("{} (max {})", t.lower[i], t.upper[i]),
                        "finite bounds with min < max");
    }
    if (is_signed_surface_weight(study.controller.kind, i) && t.lower[i] <= 0.0) {
      is_all_positive = false;
    }
  }
  if (is_all_positive && dims > 0 && t.bounds_key.starts_with("pso.")) {
    t.warnings.push_back(fmt::format(
        "{} keeps every surface weight positive; on the DIP with absolute angles no such "
        "surface has stable sliding dynamics (docs/controllers.md, \"Gain signs\"), so the "
        "swarm cannot find gains that balance. Give signed bounds in tuning.bounds",
        t.bounds_key));
  }
  t.cost = parse_cost(root["cost_function"]);
  return t;
}

}  // namespace simorch
