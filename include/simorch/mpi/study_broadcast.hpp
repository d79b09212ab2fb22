#pragma once

#include <filesystem>

#include "simorch/study/study.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch::mpi {

/// Collective: rank 0 reads the study file and broadcasts its text and folder, and every
/// rank parses the same text (so no rank needs the study file on its own disk).
/// An unreadable or invalid study throws the same CollectiveFailure on every rank
/// (exit code 2, the key path, value and allowed values in one line).
Study broadcast_study(const std::filesystem::path& path);
/// The same for a study with cases, grid or stop (StudyPlan::parse on every rank).
StudyPlan broadcast_plan(const std::filesystem::path& path);

}  // namespace simorch::mpi
