#pragma once

#include <array>
#include <string_view>

#include "simorch/sim/task.hpp"

namespace simorch::python {

/// A summary metric: its /results column name and its TaskSummary member.
struct SummaryMetric {
  std::string_view name;
  double TaskSummary::*member;
};

/// The summary metrics in the batch file's schema order (docs/hdf5-schema.md). Kept here
/// rather than taken from the io layer, whose schema tables are being reorganised: switch to
/// the io schema table once it is public.
inline constexpr std::array<SummaryMetric, 8> summary_metrics = {{
    {"ise", &TaskSummary::ise},
    {"itae", &TaskSummary::itae},
    {"max_abs_theta1", &TaskSummary::max_abs_theta1},
    {"max_abs_theta2", &TaskSummary::max_abs_theta2},
    {"max_abs_x", &TaskSummary::max_abs_x},
    {"max_abs_u", &TaskSummary::max_abs_u},
    {"control_energy", &TaskSummary::control_energy},
    {"settling_time", &TaskSummary::settling_time},
}};

}  // namespace simorch::python
