#include <fmt/core.h>

#include <array>
#include <string_view>

#include "simorch/error.hpp"
#include "study_sections.hpp"

namespace simorch::study_detail {
namespace {

constexpr std::array<std::string_view, 6> monte_carlo_keys = {
    "samples", "seed", "controller", "initial_state", "sampling", "stop"};
constexpr std::array<std::string_view, 4> stop_keys = {"success_ci_half_width", "confidence",
                                                       "min_samples", "check_every"};
constexpr std::array<std::string_view, 5> initial_state_keys = {"distribution", "nominal", "spread",
                                                                "file", "dataset"};

InitialStateKind parse_distribution(const std::string& name, const std::string& path) {
  return parse_name<InitialStateKind>(name, path);
}

std::array<double, 6> parse_spread(const YAML::Node& node, const std::string& path) {
  std::array<double, 6> spread{};
  if (node.IsScalar()) {
    spread.fill(to_number(node, path));
  } else {
    const std::vector<double> values = to_numbers(node, path);
    if (values.size() != 6) {
      throw ConfigError(path, describe(node), "expected one number or 6 numbers (one per state)");
    }
    std::copy(values.begin(), values.end(), spread.begin());
  }
  for (const double value : spread) {
    if (!(value >= 0.0)) {
      throw ConfigError(path, describe(node), "allowed: numbers >= 0 (half-width or std. dev.)");
    }
  }
  return spread;
}

bool ends_with_any(const std::string& text, std::initializer_list<std::string_view> suffixes) {
  for (const std::string_view suffix : suffixes) {
    if (text.size() >= suffix.size() && text.ends_with(suffix)) return true;
  }
  return false;
}

void load_states(InitialStateSpec& spec, YamlMap& map) {
  const std::string name = spec.file.filename().string();
  const auto dataset = map.text("dataset");
  if (ends_with_any(name, {".h5", ".hdf5", ".H5", ".HDF5"})) {
    spec.states = read_initial_states_h5(spec.file, dataset.value_or("initial_state"));
  } else if (ends_with_any(name, {".csv", ".CSV", ".txt"})) {
    if (dataset) {
      throw ConfigError(map.key_path("dataset"), *dataset, "only used with .h5/.hdf5 files");
    }
    spec.states = read_initial_states_csv(spec.file);
  } else {
    throw ConfigError(
        map.key_path("file"), spec.file.string(),
        "allowed: a .csv file (6 columns) or a .h5/.hdf5 file with an [N, 6] dataset");
  }
}

InitialStateSpec parse_initial_state(YamlMap map, const State& nominal_state,
                                     const std::filesystem::path& base_dir) {
  map.reject_unknown(initial_state_keys);
  InitialStateSpec spec;
  spec.nominal = nominal_state;
  if (const auto name = map.text("distribution")) {
    spec.kind = parse_distribution(*name, map.key_path("distribution"));
  }
  if (const auto node = map.take("nominal")) {
    const std::vector<double> values = to_numbers(*node, map.key_path("nominal"));
    if (values.size() != 6) {
      throw ConfigError(map.key_path("nominal"), describe(*node),
                        "expected 6 numbers [x, theta1, theta2, x_dot, theta1_dot, theta2_dot]");
    }
    for (Eigen::Index i = 0; i < 6; ++i) spec.nominal(i) = values[static_cast<std::size_t>(i)];
  }
  const bool is_random =
      spec.kind == InitialStateKind::uniform || spec.kind == InitialStateKind::normal;
  if (const auto node = map.take("spread")) {
    // A spread that would silently do nothing is a misunderstanding worth stopping for.
    if (!is_random) {
      throw ConfigError(map.key_path("spread"), describe(*node),
                        "only used with distribution uniform or normal");
    }
    spec.spread = parse_spread(*node, map.key_path("spread"));
  }
  if (spec.kind == InitialStateKind::file) {
    const auto file = map.text("file");
    if (!file || file->empty()) {
      throw ConfigError(map.key_path("file"), "",
                        "required with distribution file: a .csv or .h5 file of initial states");
    }
    spec.file = std::filesystem::path(*file).is_absolute() ? std::filesystem::path(*file)
                                                           : base_dir / *file;
    load_states(spec, map);
  } else {
    for (const std::string_view key : {std::string_view("file"), std::string_view("dataset")}) {
      if (map.contains(key)) {
        throw ConfigError(map.key_path(key), describe(*map.take(key)),
                          "only used with distribution file");
      }
    }
  }
  return spec;
}

SamplingKind parse_sampling(const std::string& name, const std::string& path) {
  return parse_name<SamplingKind>(name, path);
}

bool is_power_of_two(std::uint64_t n) {
  return n != 0 && (n & (n - 1)) == 0;
}

StopRule parse_stop(YamlMap map, SamplingKind sampling) {
  map.reject_unknown(stop_keys);
  StopRule rule;
  const auto half_width = map.number("success_ci_half_width");
  if (!half_width || !(*half_width > 0.0 && *half_width < 0.5)) {
    throw ConfigError(
        map.key_path("success_ci_half_width"), half_width ? fmt::format("{}", *half_width) : "",
        "required: the target half-width of the success rate's interval, in (0, 0.5)");
  }
  rule.half_width = *half_width;
  if (const auto confidence = map.number("confidence")) {
    if (!(*confidence > 0.0 && *confidence < 1.0)) {
      throw ConfigError(map.key_path("confidence"), fmt::format("{}", *confidence),
                        "allowed: a number in (0, 1), e.g. 0.95");
    }
    rule.confidence = *confidence;
  }
  // Sobol prefixes are balanced only at powers of two; 4096 keeps the look count small.
  rule.check_every = 4096;
  if (const auto every = map.integer("check_every")) {
    if (*every < 1) {
      throw ConfigError(map.key_path("check_every"), std::to_string(*every),
                        "allowed: an integer >= 1 (samples between looks)");
    }
    rule.check_every = static_cast<std::uint64_t>(*every);
  }
  if (sampling == SamplingKind::sobol && !is_power_of_two(rule.check_every)) {
    throw ConfigError(map.key_path("check_every"), std::to_string(rule.check_every),
                      "with sampling: sobol, a power of two (only those prefixes are balanced)");
  }
  if (const auto min = map.integer("min_samples")) {
    if (*min < 1) {
      throw ConfigError(map.key_path("min_samples"), std::to_string(*min),
                        "allowed: an integer >= 1");
    }
    rule.min_samples = static_cast<std::uint64_t>(*min);
  }
  return rule;
}

}  // namespace

MonteCarloSection parse_monte_carlo(YamlMap section, const State& nominal_state,
                                    const std::filesystem::path& base_dir) {
  section.reject_unknown(monte_carlo_keys);
  MonteCarloSection result;
  if (const auto samples = section.integer_at_least("samples", 1, "number of tasks")) {
    result.config.num_samples = static_cast<std::uint64_t>(*samples);
    result.has_samples = true;
  }
  if (const auto seed = section.integer_at_least("seed", 0)) {
    result.config.seed = static_cast<std::uint64_t>(*seed);
    result.has_seed = true;
  }
  if (const auto controller = section.text("controller")) result.controller = *controller;
  if (const auto sampling = section.text("sampling")) {
    result.config.sampling = parse_sampling(*sampling, section.key_path("sampling"));
  }
  if (section.contains("stop")) {
    if (result.config.sampling == SamplingKind::lhs) {
      throw ConfigError(section.key_path("stop"), "",
                        "not with sampling: lhs (a Latin hypercube is one only over all its "
                        "samples); use sobol or random");
    }
    result.config.stop = parse_stop(section.section("stop"), result.config.sampling);
  }
  result.initial_state =
      parse_initial_state(section.section("initial_state"), nominal_state, base_dir);
  return result;
}

}  // namespace simorch::study_detail
