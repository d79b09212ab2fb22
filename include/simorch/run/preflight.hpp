#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "simorch/study/study.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch {

/// What a run will write next to what the output's file system has free.
struct SpaceEstimate {
  double output_bytes = 0;       ///< the batch file's datasets (docs/hdf5-schema.md)
  double journal_bytes = 0;      ///< its write-ahead journal, which lives until the run ends
  double needed_bytes = 0;       ///< what the run still has to write (less on --resume)
  double free_bytes = -1;        ///< available to this user; -1 when it cannot be known
  std::filesystem::path folder;  ///< the existing folder whose file system was asked
};

/// Bytes of the batch file's datasets per docs/hdf5-schema.md, without HDF5 metadata,
/// chunk padding and the /results/errors table, which only failed tasks fill.
double estimated_output_bytes(const Study& study);
/// The same for every case and grid point of `plan` (/tasks/sample, case, grid_point, grid).
double estimated_output_bytes(const StudyPlan& plan);
/// Bytes of the journal: every result record (summary + trajectory) plus its header.
double estimated_journal_bytes(const Study& study);
double estimated_journal_bytes(const StudyPlan& plan);

/// The estimate for writing `study` to `output`. With `is_resume`, what the existing
/// file and journal already hold is not needed again.
SpaceEstimate estimate_space(const Study& study, const std::filesystem::path& output,
                             bool is_resume);
SpaceEstimate estimate_space(const StudyPlan& plan, const std::filesystem::path& output,
                             bool is_resume);

/// "5.6e+08 MB" style figure for messages.
std::string format_megabytes(double bytes);

/// Before anything is created: throws IoError (bad input, exit 2) naming both figures
/// when the run needs more than the free space; returns a warning when it needs more
/// than half of it. Nothing when the free space is unknown.
std::optional<std::string> check_space(const SpaceEstimate& estimate,
                                       const std::filesystem::path& output);

}  // namespace simorch
