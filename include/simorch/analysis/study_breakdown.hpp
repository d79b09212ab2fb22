#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simorch/analysis/paired_statistics.hpp"
#include "simorch/analysis/statistics.hpp"
#include "simorch/sim/task.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch::analysis {

/// Quantiles of one /results column over the completed tasks.
struct MetricSummary {
  std::string name;
  QuantileSummary quantiles;
};

/// One numeric /results column, one value per task.
struct NamedColumn {
  std::string name;
  std::vector<double> values;
};

/// What the breakdown reads of a file with cases or a grid, one entry per task (row).
/// `case_index`, `sample` and `grid_point` are /tasks/case, /tasks/sample and
/// /tasks/grid_point (docs/hdf5-schema.md); `metrics` (report role metric) get quantiles per
/// case and paired differences, `costs` (report role cost) quantiles only.
struct StudyTasks {
  std::vector<std::string> case_names;  ///< the /cases rows in file order
  std::vector<GridAxis> axes;           ///< /grid; empty without a grid
  std::vector<TaskStatus> status;
  std::vector<std::uint8_t> success;
  std::vector<std::int32_t> case_index;
  std::vector<std::uint64_t> sample;
  std::vector<std::uint64_t> grid_point;
  std::vector<NamedColumn> metrics;
  std::vector<NamedColumn> costs;
};

/// One case of the study over all its grid points.
struct CaseSummary {
  std::string name;
  std::uint64_t tasks = 0;             ///< rows of this case
  std::uint64_t finished = 0;          ///< completed or failed (not pending, not not_run)
  std::uint64_t successes = 0;         ///< completed and settled
  std::uint64_t failed = 0;            ///< out_of_bounds, diverged or error
  std::uint64_t pending = 0;           ///< not run yet (a partial file)
  std::uint64_t not_run = 0;           ///< past the stop of `monte_carlo.stop`: never run
  Interval success_rate;               ///< successes / finished, 95 % Wilson
  std::vector<MetricSummary> metrics;  ///< p5/p50/p95 over the completed tasks: metrics, costs
};

/// The paired mean difference of one metric between two cases.
struct MetricDifference {
  std::string name;
  MeanInterval difference;  ///< first − second over pairs where both completed
};

/// Case `first` against case `second`, pair by pair: the same sample index at the same
/// grid point, both finished.
struct CaseComparison {
  std::size_t first = 0;
  std::size_t second = 0;
  PairedCounts counts;
  Interval rate_difference;  ///< p_first − p_second, Newcombe's paired interval (95 %)
  std::vector<MetricDifference> metrics;
};

/// One case at one grid point.
struct GridPointSummary {
  std::uint64_t finished = 0;
  std::uint64_t successes = 0;
  Interval success_rate;
  double metric_median = 0;  ///< median of GridSummary::metric over the completed tasks
};

/// Every grid point of every case.
struct GridSummary {
  std::vector<GridAxis> axes;
  std::uint64_t num_points = 0;  ///< product of the axis sizes (row-major, last axis fastest)
  std::string metric;            ///< the column whose median each point carries
  std::vector<std::vector<GridPointSummary>> points;  ///< [case][point]
};

/// The per-case, paired and per-point parts of `simorch report`.
struct StudyBreakdown {
  std::vector<CaseSummary> cases;
  /// Every pair of cases (i < j), in order (0,1), (0,2), …, (1,2), …: a study has a
  /// handful of cases and a control engineer asks which of them is best, not only how each
  /// compares with the first.
  std::vector<CaseComparison> comparisons;
  std::optional<GridSummary> grid;
};

/// The metric of the grid summary when the user names none: how fast a start recovers.
inline constexpr const char* default_grid_metric = "settling_time";

/// Summarises `tasks` per case, per pair of cases and per grid point (the median of
/// `grid_metric`, which must be one of tasks.metrics when there is a grid). Throws
/// std::invalid_argument when the columns differ in length, a case index or grid point is out of
/// range, or `grid_metric` is not a column.
StudyBreakdown make_study_breakdown(const StudyTasks& tasks,
                                    const std::string& grid_metric = default_grid_metric);

}  // namespace simorch::analysis
