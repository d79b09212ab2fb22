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

constexpr std::array<std::string_view, 11> known_sections = {"physics",
                                                             "physics_uncertainty",
                                                             "simulation",
                                                             "controllers",
                                                             "controller_defaults",
                                                             "monte_carlo",
                                                             "output",
                                                             "execution",
                                                             "global_seed",
                                                             "cases",
                                                             "grid"};

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

/// Half-width of the Wilson interval over n samples at p̂ ≈ 0.5 (⌊n/2⌋ successes): about
/// the widest it gets.
double widest_half_width(std::uint64_t samples, double z) {
  return wilson_score_interval(samples / 2, samples, z).half_width();
}

/// A precision that no success rate could reach within the sample budget would run every
/// sample while promising to stop early.
void check_stop_reachable(const Study& study) {
  const StopRule& rule = study.monte_carlo.stop;
  if (!rule.is_active()) return;
  const std::uint64_t samples = study.monte_carlo.num_samples;
  const double z = two_sided_z(rule.confidence);
  if (widest_half_width(samples, z) > rule.half_width) {
    std::uint64_t needed = samples;  // the smallest sufficient n, for the message
    while (widest_half_width(needed, z) > rule.half_width) needed *= 2;
    for (std::uint64_t low = needed / 2; low + 1 < needed;) {
      const std::uint64_t mid = low + (needed - low) / 2;
      (widest_half_width(mid, z) > rule.half_width ? low : needed) = mid;
    }
    throw ConfigError("monte_carlo.stop.success_ci_half_width", fmt::format("{}", rule.half_width),
                      fmt::format("unreachable within monte_carlo.samples = {}: a success rate "
                                  "near 0.5 needs {} samples",
                                  samples, needed));
  }
  if (rule.min_samples > samples) {
    throw ConfigError("monte_carlo.stop.min_samples", std::to_string(rule.min_samples),
                      fmt::format("allowed: at most monte_carlo.samples = {}", samples));
  }
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

namespace study_detail {

YAML::Node load_study_document(std::string_view yaml_text) {
  YAML::Node document = load_yaml(yaml_text);
  if (!document.IsDefined() || document.IsNull()) {
    throw ConfigError("study", "", "empty study file; expected sections such as monte_carlo:");
  }
  return document;
}

Study parse_study_document(const YAML::Node& document, const std::filesystem::path& base_dir,
                           std::vector<std::string>& ignored_keys) {
  YamlMap root(document, "");
  reject_misspelt_sections(root);

  Study study;
  study.base_dir = base_dir;

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
  check_stop_reachable(study);

  study.controller = study_detail::parse_controller(root.section("controllers"),
                                                    root.section("controller_defaults"),
                                                    mc.controller, ignored_keys);
  // Swing-up links turn over: bounds, metrics and success read the angle from upright.
  study.sim.wraps_angles = study.controller.kind == ControllerKind::swing_up_smc;
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

}  // namespace study_detail

Study parse_study(std::string_view yaml_text, const std::filesystem::path& base_dir) {
  const YAML::Node document = study_detail::load_study_document(yaml_text);
  // Cases and grids multiply the study into variants (StudyPlan); a runner that reads a
  // single Study must not drop them silently.
  for (const char* section : {"cases", "grid"}) {
    if (document.IsMap() && document[section]) {
      throw ConfigError(section, "",
                        "cases and grids are read by StudyPlan; this command runs single studies");
    }
  }
  std::vector<std::string> ignored_keys;
  Study study = study_detail::parse_study_document(document, base_dir, ignored_keys);
  if (study.monte_carlo.stop.is_active()) {
    throw ConfigError(
        "monte_carlo.stop", "",
        "stopping at a precision is read by StudyPlan; this command runs every sample");
  }
  study.text = std::string(yaml_text);
  return study;
}

std::string read_study_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IoError(path.string(), "reading the study",
                  std::filesystem::exists(path) ? "cannot open the file" : "no such file",
                  /*is_bad_input=*/true);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError(path.string(), "reading the study", "read error", true);
  return text.str();
}

Study load_study(const std::filesystem::path& path) {
  return parse_study(read_study_file(path), std::filesystem::absolute(path).parent_path());
}

}  // namespace simorch
