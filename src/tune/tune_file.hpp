#pragma once

// The tuning file (docs/tuning.md): the swarm history and the validation of the best gains.

#include <filesystem>
#include <vector>

#include "simorch/study/study.hpp"
#include "simorch/tune/tuner.hpp"
#include "simorch/tune/tuning_config.hpp"
#include "tune_journal.hpp"

namespace simorch::detail {

/// Writes `path` (through a temporary file and a rename, so a crash never leaves a half
/// file). `wall_s` is each generation's dispatch time (0 for replayed ones). Rank 0 only.
void write_tune_file(const std::filesystem::path& path, const Study& study,
                     const TuningConfig& tuning, const std::vector<GenerationRecord>& history,
                     const std::vector<double>& wall_s, const TuneResult& result);

}  // namespace simorch::detail
