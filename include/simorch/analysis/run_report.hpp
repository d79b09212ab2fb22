#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simorch/analysis/run_figures.hpp"
#include "simorch/analysis/statistics.hpp"
#include "simorch/analysis/study_breakdown.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/io/live_reader.hpp"
#include "simorch/io/run_timing.hpp"

namespace simorch::analysis {

/// Amdahl's predicted speedup at one core count.
struct SpeedupPoint {
  std::int32_t cores = 0;
  double speedup = 0;
};

/// What a live view adds: who writes the file and how fast it goes.
struct LiveStatus {
  LiveWriter writer;
  double elapsed_s = 0;    ///< since this segment's writer opened the file
  double tasks_per_s = 0;  ///< this segment's finished tasks / elapsed_s
  double eta_s = 0;        ///< pending tasks / tasks_per_s (NaN when unknown)
};

/// Everything `simorch report` shows about one batch file.
struct RunReport {
  std::string file;
  BatchInfo info;
  /// Tasks per status, indexed by TaskStatus (pending, completed, ...), from /results/status.
  std::array<std::uint64_t, task_status_count> status_counts = {};
  std::uint64_t finished = 0;   ///< tasks that ran: completed or failed (not pending, not_run)
  std::uint64_t successes = 0;  ///< completed and settled
  /// successes / finished with its 95 % Wilson interval (NaN estimate when none finished).
  Interval success_rate;
  /// p5/p50/p95 of every summary metric, steps and wall_time_s over completed tasks
  /// (the schema columns of report role metric, then cost).
  std::vector<MetricSummary> metrics;
  std::uint64_t failed = 0;  ///< tasks with status out_of_bounds, diverged or error
  /// p5/p50/p95 of the failure columns (failure_time_s) over the failed tasks; empty for a
  /// file that predates them.
  std::vector<MetricSummary> failure_metrics;
  std::vector<TaskErrorRecord> errors;  ///< the first few failure messages
  std::uint64_t error_count = 0;        ///< all rows of /results/errors
  std::vector<SegmentTiming> segments;
  RunFigures figures;
  /// Amdahl's speedup at N = 1, 2, 4, …, 1024 from figures.parallel_fraction; empty when
  /// the file has no timing.
  std::vector<SpeedupPoint> amdahl;
  bool is_partial = false;  ///< the run has not finished (see partial_reason)
  std::string partial_reason;
  bool is_live = false;  ///< read from the journal of a run that is writing the file
  LiveStatus live;       ///< when is_live
  /// Per case, per pair of cases and per grid point, for a study with `cases:` or `grid:`
  /// (format_version 3); empty for a plain study, whose report is unchanged.
  std::optional<StudyBreakdown> study;
};

/// Choices of `simorch report` beyond the file.
struct ReportSettings {
  /// The /results metric whose median each grid point shows (report role metric).
  std::string grid_metric = default_grid_metric;
};

/// Failure messages kept in RunReport::errors.
inline constexpr std::size_t report_error_limit = 5;

/// Reads what the report needs from `reader` (columns one at a time).
RunReport make_run_report(const BatchReader& reader, const ReportSettings& settings = {});

/// The same report from the journal of a run that is writing the file, labelled live.
RunReport make_live_report(const LiveReader& reader);

/// The report as text for a terminal.
std::string format_report_text(const RunReport& report);

/// The report as one JSON object (NaN and ±inf as null); keys are documented in
/// docs/scaling.md.
std::string format_report_json(const RunReport& report);

}  // namespace simorch::analysis
