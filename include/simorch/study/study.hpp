#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "simorch/control/controller.hpp"
#include "simorch/model/dip_params.hpp"
#include "simorch/sim/sim_config.hpp"
#include "simorch/study/sampling_design.hpp"
#include "simorch/study/stopping_rule.hpp"

namespace simorch {

/// How task i's initial state is drawn (monte_carlo.initial_state).
enum class InitialStateKind { fixed, uniform, normal, file };

/// Study-file name of a distribution ("fixed", "uniform", "normal", "file").
std::string_view to_string(InitialStateKind kind) noexcept;

/// monte_carlo.initial_state: around `nominal`, per component ± half-width (uniform)
/// or standard deviation (normal); or the rows of a CSV / HDF5 file.
struct InitialStateSpec {
  InitialStateKind kind = InitialStateKind::fixed;
  State nominal = State::Zero();
  std::array<double, 6> spread = {};
  std::filesystem::path file;  ///< resolved against the study file's folder
  std::vector<State> states;   ///< loaded rows when kind == file
};

/// physics_uncertainty: parameter i is drawn uniformly in nominal·(1 ± fraction[i]).
struct ParameterUncertainty {
  std::array<double, DipParams::count> fraction = {};
  bool is_active() const noexcept;
};

/// monte_carlo section.
struct MonteCarloConfig {
  std::uint64_t num_samples = 1;
  std::uint64_t seed = 0;
  SamplingKind sampling = SamplingKind::random;  ///< how samples cover the sampled dimensions
  StopRule stop;  ///< monte_carlo.stop: end sampling at a stated precision (inactive: all run)
};

/// output section.
struct OutputConfig {
  std::filesystem::path path = "simorch.h5";
};

/// execution section: defaults for the runner, overridable on the command line.
struct ExecutionConfig {
  int threads = 0;                 ///< threads per rank; 0: cores given by the launcher
  std::uint64_t min_chunk = 1;     ///< smallest chunk handed out
  std::uint64_t max_chunk = 4096;  ///< largest chunk handed out
  double stop_timeout_s = 10.0;    ///< bound on the graceful stop after a signal
};

/// A validated study: everything needed to generate and run every task.
struct Study {
  std::string text;                ///< the YAML as given (stored in the batch file)
  std::filesystem::path base_dir;  ///< folder relative paths are resolved against
  DipParams nominal;
  ParameterUncertainty uncertainty;
  SimConfig sim;
  ControllerConfig controller;
  MonteCarloConfig monte_carlo;
  InitialStateSpec initial_state;
  OutputConfig output;
  ExecutionConfig execution;
  std::vector<std::string> warnings;  ///< e.g. seed keys simorch does not use

  /// Tasks in the study: the sample count, or the number of rows of the initial-state file.
  std::uint64_t num_tasks() const noexcept;
};

/// Parses and validates a study; throws ConfigError (key path, value, allowed values) on
/// the first bad key or value and IoError for an unreadable study or initial-state file.
Study parse_study(std::string_view yaml_text, const std::filesystem::path& base_dir);
/// The text of the study file `path`; IoError (bad input) when it cannot be read.
std::string read_study_file(const std::filesystem::path& path);
/// Reads `path` and calls parse_study with its folder as base_dir.
Study load_study(const std::filesystem::path& path);

/// Every resolved setting that determines the results, as canonical text: two studies
/// with the same canonical text give bitwise-identical results (comments, key order and
/// the output/execution sections do not matter).
std::string canonical_text(const Study& study);
/// 16 hex digits of a 64-bit hash of canonical_text(); stored in the batch file and
/// compared on --resume.
std::string study_hash(const Study& study);
/// 16 hex digits of the 64-bit FNV-1a hash of `text` (what study_hash applies to the
/// canonical text).
std::string text_hash(std::string_view text);

}  // namespace simorch
