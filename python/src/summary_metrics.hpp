#pragma once

#include <cstring>
#include <string_view>
#include <vector>

#include "simorch/io/batch_schema.hpp"
#include "simorch/sim/task.hpp"

namespace simorch::python {

/// A per-task metric of the batch file: its /results column and where its value lives in a
/// TaskSummary.
struct SummaryMetric {
  std::string_view name;
  std::size_t offset;  ///< offsetof(TaskSummary, member)
  double of(const TaskSummary& summary) const noexcept {
    double value = 0;
    std::memcpy(&value, reinterpret_cast<const char*>(&summary) + offset, sizeof value);
    return value;
  }
};

/// The metrics the report summarises (over completed or over failed tasks), in the batch
/// file's schema order: taken from the schema table, so a new metric reaches Python as it
/// reaches the file.
inline const std::vector<SummaryMetric>& summary_metrics() {
  static const std::vector<SummaryMetric> metrics = [] {
    std::vector<SummaryMetric> out;
    for (const ColumnSpec& column : batch_columns()) {
      const bool is_metric =
          column.report == ReportRole::metric || column.report == ReportRole::failure;
      if (is_metric && column.source == ColumnSource::summary &&
          column.type == ElementType::float64 && column.width == 1) {
        out.push_back({column.name(), column.summary_offset});
      }
    }
    return out;
  }();
  return metrics;
}

}  // namespace simorch::python
