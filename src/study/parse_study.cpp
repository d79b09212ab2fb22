#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <string_view>

#include "closest_key.hpp"
#include "simorch/error.hpp"
#include "simorch/study/study.hpp"
#include "study_sections.hpp"

namespace simorch {
namespace {

using study_detail::YamlMap;

constexpr std::array<std::string_view, 9> known_sections = {
    "physics",     "physics_uncertainty", "simulation",
    "controllers", "controller_defaults", "monte_carlo",
    "output",      "execution",           "global_seed"};

YAML::Node load_yaml(std::string_view yaml_text) {
  try {
    return YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    // yaml-cpp marks are 0-based; editors count from 1.
    throw ConfigError(fmt::format("study (line {}, column {})", e.mark.line + 1, e.mark.column + 1),
                      "", "YAML syntax error: " + e.msg);
  }
}

/// A misspelt section would otherwise pass as a seed section and be ignored.
void reject_misspelt_sections(const YamlMap& root) {
  for (const std::string& key : root.keys()) {
    for (const std::string_view known : known_sections) {
      if (study_detail::is_near_miss(key, known) && !root.contains(known)) {
        throw ConfigError(key, "", "unknown section; did you mean '" + std::string(known) + "'?");
      }
    }
  }
}

/// The one warning about dip-smc-pso settings simorch reads past.
std::string ignored_warning(const std::vector<std::string>& sections,
                            const std::vector<std::string>& keys) {
  std::string text = "ignoring dip-smc-pso settings simorch does not use:";
  if (!sections.empty()) {
    text += " sections ";
    for (std::size_t i = 0; i < sections.size(); ++i) text += (i ? ", " : "") + sections[i];
    if (!keys.empty()) text += ";";
  }
  if (!keys.empty()) {
    text += " keys ";
    for (std::size_t i = 0; i < keys.size(); ++i) text += (i ? ", " : "") + keys[i];
  }
  return text;
}

void resolve_task_count(Study& study, const study_detail::MonteCarloSection& mc) {
  if (study.initial_state.kind != InitialStateKind::file) return;
  const std::uint64_t rows = study.initial_state.states.size();
  if (!mc.has_samples) {
    study.monte_carlo.num_samples = rows;
  } else if (mc.config.num_samples > rows) {
    throw ConfigError("monte_carlo.samples", std::to_string(mc.config.num_samples),
                      fmt::format("allowed: at most the {} rows of {} (or omit samples)", rows,
                                  study.initial_state.file.string()));
  }
}

/// Builds the controller once for the nominal plant, so that a design that cannot work
/// (an LQR whose closed loop is unstable) stops the study before any task runs.
void check_controller_builds(const Study& study, const std::string& name) {
  try {
    const DipModel design_model(study.sim.model, study.nominal);
    (void)make_controller(study.controller, design_model);
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigError("controllers." + name, "", std::string("cannot be built: ") + e.what());
  }
}

}  // namespace

Study parse_study(std::string_view yaml_text, const std::filesystem::path& base_dir) {
  const YAML::Node document = load_yaml(yaml_text);
  if (!document.IsDefined() || document.IsNull()) {
    throw ConfigError("study", "", "empty study file; expected sections such as monte_carlo:");
  }
  YamlMap root(document, "");
  reject_misspelt_sections(root);

  Study study;
  study.text = std::string(yaml_text);
  study.base_dir = base_dir;
  std::vector<std::string> ignored_keys;

  study.nominal = study_detail::parse_physics(root.section("physics"), ignored_keys);
  study.uncertainty =
      study_detail::parse_uncertainty(root.section("physics_uncertainty"), ignored_keys);
  study_detail::check_worst_case(study.nominal, study.uncertainty);

  study_detail::SimulationSection simulation =
      study_detail::parse_simulation(root.section("simulation"), ignored_keys);
  study.sim = simulation.sim;

  const study_detail::MonteCarloSection mc = study_detail::parse_monte_carlo(
      root.section("monte_carlo"), simulation.nominal_state, base_dir);
  study.monte_carlo = mc.config;
  study.initial_state = mc.initial_state;
  // The seed's global_seed seeds a study that gives no monte_carlo.seed of its own.
  if (const auto global_seed = root.integer("global_seed"); global_seed && !mc.has_seed) {
    if (*global_seed < 0) {
      throw ConfigError("global_seed", std::to_string(*global_seed), "allowed: an integer >= 0");
    }
    study.monte_carlo.seed = static_cast<std::uint64_t>(*global_seed);
  }
  resolve_task_count(study, mc);

  study.controller = study_detail::parse_controller(root.section("controllers"),
                                                    root.section("controller_defaults"),
                                                    mc.controller, ignored_keys);
  study_detail::parse_output(root.section("output"), study.output, study.sim);
  study.execution = study_detail::parse_execution(root.section("execution"));
  check_controller_builds(study, mc.controller);

  std::vector<std::string> ignored_sections;
  for (const std::string& key : root.keys()) {
    if (std::find(known_sections.begin(), known_sections.end(), key) == known_sections.end()) {
      ignored_sections.push_back(key);
    }
  }
  if (!ignored_sections.empty() || !ignored_keys.empty()) {
    study.warnings.push_back(ignored_warning(ignored_sections, ignored_keys));
  }
  for (std::string& warning : simulation.warnings) study.warnings.push_back(std::move(warning));
  return study;
}

Study load_study(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(path.string(), "reading the study",
                  std::filesystem::exists(path) ? "cannot open the file" : "no such file",
                  /*is_bad_input=*/true);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path.string(), "reading the study", "read error", true);
  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  return parse_study(text.str(), folder);
}

}  // namespace simorch
