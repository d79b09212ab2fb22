#pragma once

// Parsers of the individual study-file sections, called in order by parse_study().
// Each reads its keys from a YamlMap and validates what it can check on its own;
// seed keys simorch does not use are appended to `ignored` for the single warning.

#include <filesystem>
#include <string>
#include <vector>

#include "simorch/study/study.hpp"
#include "yaml_map.hpp"

namespace simorch::study_detail {

/// physics: the nominal parameters (defaults: DipParams), validated.
DipParams parse_physics(YamlMap physics, std::vector<std::string>& ignored);
/// physics_uncertainty: a fraction in [0, 1) per parameter.
ParameterUncertainty parse_uncertainty(YamlMap section, std::vector<std::string>& ignored);
/// Rejects fractions for which some sampled parameter set would be invalid (a centre of
/// mass beyond its shortened link, ...), so every task of the study is valid up front.
void check_worst_case(const DipParams& nominal, const ParameterUncertainty& uncertainty);

/// What the simulation section holds besides SimConfig.
struct SimulationSection {
  SimConfig sim;
  State nominal_state = State::Zero();
  std::vector<std::string> warnings;
};
SimulationSection parse_simulation(YamlMap section, std::vector<std::string>& ignored);

/// The monte_carlo section before the controller is resolved.
struct MonteCarloSection {
  MonteCarloConfig config;
  bool has_samples = false;
  bool has_seed = false;
  std::string controller = "classical_smc";
  InitialStateSpec initial_state;
};
MonteCarloSection parse_monte_carlo(YamlMap section, const State& nominal_state,
                                    const std::filesystem::path& base_dir);

/// controllers.<name> (falling back to controller_defaults.<name>.gains), validated.
ControllerConfig parse_controller(YamlMap controllers, YamlMap defaults, const std::string& name,
                                  std::vector<std::string>& ignored);

/// output: path and save_every (which goes into SimConfig, as it shapes the results).
void parse_output(YamlMap section, OutputConfig& output, SimConfig& sim);
/// execution: runner defaults.
ExecutionConfig parse_execution(YamlMap section);

/// The YAML document of a study; ConfigError for a syntax error or an empty document.
YAML::Node load_study_document(std::string_view yaml_text);
/// parse_study on a loaded document (without setting Study::text); the full key paths of
/// seed keys simorch does not use are appended to `ignored_keys`.
Study parse_study_document(const YAML::Node& document, const std::filesystem::path& base_dir,
                           std::vector<std::string>& ignored_keys);
/// Rows of a CSV file of initial states (6 columns, optional header line, '#' comments).
std::vector<State> read_initial_states_csv(const std::filesystem::path& file);
/// Rows of an [N, 6] float dataset of an HDF5 file.
std::vector<State> read_initial_states_h5(const std::filesystem::path& file,
                                          const std::string& dataset);

}  // namespace simorch::study_detail
