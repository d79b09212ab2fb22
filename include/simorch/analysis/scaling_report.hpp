#pragma once

#include <span>
#include <string>

#include "simorch/analysis/scaling.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/io/run_timing.hpp"

namespace simorch::analysis {

/// The ScalingRun of one finished batch file: the sum of its segment walls on one layout.
///
/// Refuses (ConfigError naming the file, exit 2) a file whose run has not finished, whose
/// timing lacks the segments of some tasks (a segment killed with SIGKILL writes none), or
/// whose segments ran on different layouts: their wall times do not describe one N.
ScalingRun make_scaling_run(const std::string& label, const BatchInfo& info,
                            std::span<const SegmentTiming> segments);

/// Reads `reader` and calls make_scaling_run with its path as label.
ScalingRun load_scaling_run(const BatchReader& reader);

/// The scaling table and the fit, for a terminal.
std::string format_scaling_text(const ScalingAnalysis& analysis);

/// The table as CSV (a header line, one row per run; NaN as an empty field).
std::string format_scaling_csv(const ScalingAnalysis& analysis);

/// Everything in one JSON object (for scripts/plot): kind, reference, rows, fit.
std::string format_scaling_json(const ScalingAnalysis& analysis);

}  // namespace simorch::analysis
