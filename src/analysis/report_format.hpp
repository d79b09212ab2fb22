#pragma once

// Pieces the text and JSON reports share (private to src/analysis).

#include <fmt/core.h>

#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include "simorch/analysis/run_report.hpp"
#include "simorch/analysis/study_breakdown.hpp"

namespace simorch::analysis::detail {

using TextOut = std::back_insert_iterator<std::string>;

/// Four significant digits, or "-" for a figure that could not be formed.
inline std::string num(double value) {
  return std::isnan(value) ? std::string("-") : fmt::format("{:.4g}", value);
}

/// False for the status not_run in the report of a file older than format_version 3, which
/// cannot hold it: such a file reports as it did before the status existed.
inline bool is_status_shown(const RunReport& r, std::size_t status) {
  return static_cast<TaskStatus>(status) != TaskStatus::not_run || r.info.format_version >= 3;
}

/// p5 / p50 / p95, n and NaN count of each metric, one row per metric.
void write_quantile_table(TextOut out, const std::vector<MetricSummary>& metrics);

/// `{<column>: {p5, p50, p95, count, nan_count}, …}`.
std::string metrics_json(const std::vector<MetricSummary>& metrics);

/// The cases, paired differences and grid sections of the text report.
void write_study_text(TextOut out, const StudyBreakdown& study);

/// `"cases": […], "comparisons": […], "grid": {…} or null` (no braces around them).
std::string study_json_members(const StudyBreakdown& study);

}  // namespace simorch::analysis::detail
