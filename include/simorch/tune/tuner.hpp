#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "simorch/study/study.hpp"
#include "simorch/tune/tuning_config.hpp"

namespace simorch {

/// One finished generation, for the progress line (rank 0).
struct GenerationProgress {
  std::int64_t generation = 0;   ///< 0 is the initial swarm
  std::int64_t generations = 0;  ///< iters + 1
  double best_cost = 0;
  std::vector<double> best_gains;
  bool is_replayed = false;  ///< taken from the journal of an earlier run
  double wall_s = 0;         ///< this generation's dispatch
  double elapsed_s = 0;      ///< since tuning started (this run)
  double eta_s = 0;          ///< remaining generations at this run's mean pace
  double utilisation = 0;    ///< Σ busy / (cores · wall) of this generation
  /// Core-seconds of this generation in which a pool thread had no task: the wait at the
  /// generation barrier for the last tasks (cores · wall − Σ busy).
  double idle_s = 0;
  double particles_per_s = 0;  ///< particle evaluations (samples tasks each) per second
};

/// Settings of `simorch tune` that are not in the study.
struct TuneOptions {
  std::filesystem::path output;  ///< the tuning file; its journal is output + ".journal"
  bool is_resume = false;        ///< continue from the journal's last finished generation
  bool is_force = false;         ///< overwrite an existing file and journal
  int threads = 1;               ///< pool threads on this rank
  std::function<void(const GenerationProgress&)> on_generation;  ///< rank 0; may be empty
};

/// What a tuning produced (rank 0; the other ranks only get exit_code).
struct TuneResult {
  int exit_code = 0;  ///< 0 done, 75 stopped by a signal (resume with --resume)
  std::vector<double> best_gains;
  double best_cost = 0;
  std::uint64_t validation_successes = 0;
  std::uint64_t validation_trials = 0;
  double validation_lower = 0;  ///< Wilson 95 % interval of the success rate
  double validation_upper = 0;
  double particles_per_s = 0;  ///< over the live generations of this run
  double utilisation = 0;      ///< Σ busy / (cores · wall) over them
  double idle_s = 0;           ///< core-seconds idle at the generation barriers, over them
};

/// Tunes the study's controller gains by PSO (pagmo2 pso_gen: variant 1, the canonical
/// inertia-weight update with per-component random factors, global-best neighbourhood, as
/// the seed's pyswarms GlobalBestPSO): every generation is one dispatch of particles ×
/// samples tasks over all ranks and threads; per-particle costs are combined in task-id
/// order, so the swarm is bitwise the same on any layout. Each finished generation is
/// appended to the journal; with is_resume the journal's generations are replayed into
/// the swarm without simulating. Ends with a validation of the best gains on
/// validation_samples fresh tasks and writes the tuning file (docs/tuning.md).
/// Collective: call from the main thread of every rank with the same study and config.
TuneResult run_tuning(const Study& study, const TuningConfig& tuning, const TuneOptions& options);

}  // namespace simorch
