// The cases, paired differences and grid members of `simorch report --json`.

#include <fmt/core.h>

#include <string>
#include <vector>

#include "json_writer.hpp"
#include "report_format.hpp"

namespace simorch::analysis::detail {
namespace {

std::string interval_json(const Interval& i, const char* method) {
  return fmt::format(
      "{{\"estimate\": {}, \"lower\": {}, \"upper\": {}, \"confidence\": 0.95, \"method\": "
      "\"{}\"}}",
      json_number(i.estimate), json_number(i.lower), json_number(i.upper), method);
}

std::string case_json(const CaseSummary& c) {
  return fmt::format(
      "{{\"name\": {}, \"tasks\": {}, \"finished\": {}, \"successes\": {}, \"failed\": {}, "
      "\"pending\": {}, \"not_run\": {}, \"success_rate\": {}, \"metrics\": {}}}",
      json_string(c.name), json_number(c.tasks), json_number(c.finished), json_number(c.successes),
      json_number(c.failed), json_number(c.pending), json_number(c.not_run),
      interval_json(c.success_rate, "wilson"), metrics_json(c.metrics));
}

std::string comparison_json(const StudyBreakdown& s, const CaseComparison& c) {
  std::string metrics = "{";
  for (std::size_t m = 0; m < c.metrics.size(); ++m) {
    const MeanInterval& d = c.metrics[m].difference;
    metrics += fmt::format(
        "{}{}: {{\"count\": {}, \"mean\": {}, \"standard_deviation\": {}, \"lower\": {}, "
        "\"upper\": {}}}",
        m == 0 ? "" : ", ", json_string(c.metrics[m].name), json_number(d.count),
        json_number(d.mean), json_number(d.standard_deviation), json_number(d.lower),
        json_number(d.upper));
  }
  metrics += "}";
  return fmt::format(
      "{{\"first\": {}, \"second\": {}, \"pairs\": {}, \"both\": {}, \"only_first\": {}, "
      "\"only_second\": {}, \"neither\": {}, \"rate_difference\": {}, \"metric_differences\": {}, "
      "\"metric_differences_method\": \"paired t, mean of first - second over pairs where both "
      "completed\"}}",
      json_string(s.cases[c.first].name), json_string(s.cases[c.second].name),
      json_number(c.counts.pairs()), json_number(c.counts.both), json_number(c.counts.only_first),
      json_number(c.counts.only_second), json_number(c.counts.neither),
      interval_json(c.rate_difference, "newcombe_paired_hybrid_score"), metrics);
}

// One array of a per-point field, in point order.
template <class Field>
std::string point_array(const std::vector<GridPointSummary>& points, Field field) {
  return json_array(points, [&](const GridPointSummary& p) { return json_number(field(p)); });
}

std::string grid_json(const StudyBreakdown& s) {
  if (!s.grid) return "null";
  const GridSummary& g = *s.grid;
  const std::string axes = json_array(g.axes, [](const GridAxis& a) {
    return fmt::format("{{\"path\": {}, \"values\": {}}}", json_string(a.path),
                       json_array(a.values, [](double v) { return json_number(v); }));
  });
  std::string cases = "[";
  for (std::size_t c = 0; c < s.cases.size(); ++c) {
    const std::vector<GridPointSummary>& p = g.points[c];
    cases += fmt::format(
        "{}{{\"case\": {}, \"finished\": {}, \"successes\": {}, \"success_rate\": {}, "
        "\"lower\": {}, \"upper\": {}, \"metric_median\": {}}}",
        c == 0 ? "" : ", ", json_string(s.cases[c].name),
        point_array(p, [](const GridPointSummary& q) { return q.finished; }),
        point_array(p, [](const GridPointSummary& q) { return q.successes; }),
        point_array(p, [](const GridPointSummary& q) { return q.success_rate.estimate; }),
        point_array(p, [](const GridPointSummary& q) { return q.success_rate.lower; }),
        point_array(p, [](const GridPointSummary& q) { return q.success_rate.upper; }),
        point_array(p, [](const GridPointSummary& q) { return q.metric_median; }));
  }
  cases += "]";
  return fmt::format(
      "{{\"axes\": {}, \"num_points\": {}, \"point_order\": \"row-major, last axis fastest\", "
      "\"metric\": {}, \"per_case\": {}}}",
      axes, json_number(g.num_points), json_string(g.metric), cases);
}

}  // namespace

std::string study_json_members(const StudyBreakdown& study) {
  const std::string cases = json_array(study.cases, case_json);
  const std::string comparisons = json_array(
      study.comparisons, [&](const CaseComparison& c) { return comparison_json(study, c); });
  return fmt::format("\"cases\": {}, \"comparisons\": {}, \"grid\": {}", cases, comparisons,
                     grid_json(study));
}

}  // namespace simorch::analysis::detail
