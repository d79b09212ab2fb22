#include "simorch/io/batch_schema.hpp"

#include <fmt/core.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "batch_tables.hpp"
#include "simorch/model/dip_params.hpp"
#include "simorch/sim/task.hpp"

namespace simorch {
namespace {

using io_detail::CaseRow;
using io_detail::ErrorRow;
using io_detail::RankRow;
using io_detail::SegmentRow;
using io_detail::ThreadRow;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
using E = ElementType;
using S = ColumnSource;
using R = ReportRole;
using N = ColumnNames;

// TaskSummary is standard layout, so offsetof is defined for it (the table addresses its
// members by offset so that one generic loop writes and reads every summary column).
#define SIMORCH_SUMMARY(member) offsetof(TaskSummary, member)

// A per-task float64 metric of the summary, one value per task, reported as quantiles.
constexpr ColumnSpec metric(std::string_view path, std::string_view unit, std::string_view meaning,
                            std::size_t summary_offset) {
  return {path,
          ElementType::float64,
          1,
          "[M]",
          unit,
          meaning,
          ColumnSource::summary,
          summary_offset,
          nan,
          1,
          false,
          false,
          ReportRole::metric,
          ColumnNames::none};
}

// Every per-task dataset, in the order the docs list them. Adding a column is adding a
// row here (docs/hdf5-schema.md is generated from this table).
// clang-format off
constexpr ColumnSpec columns[] = {
  // path, type, width, shape, unit, meaning, source, offset, fill, since, run-dependent,
  // optional, report, names
  {"/tasks/initial_state", E::float64, 6, "[M, 6]", "m, rad, m/s, rad/s",
   "initial state `x, theta1, theta2, x_dot, theta1_dot, theta2_dot` (attribute `columns`)",
   S::task_input, 0, nan, 1, false, false, R::none, N::state},
  {"/tasks/params", E::float64, DipParams::count, "[M, 13]", "SI",
   "physical parameters of each task (attribute `columns`, names as in `physics:`); present "
   "when `physics_uncertainty` is active",
   S::task_input, 0, nan, 1, false, true, R::none, N::params},
  {"/tasks/sample", E::uint64, 1, "[M]", "",
   "sample index k: task k of every case and grid point draws the same plant and initial "
   "state (common random numbers)",
   S::task_input, 0, 0, 3, false, false, R::none, N::none},
  {"/tasks/case", E::int32, 1, "[M]", "", "row of `/cases` the task belongs to",
   S::task_input, 0, -1, 3, false, false, R::none, N::none},
  {"/tasks/grid_point", E::uint64, 1, "[M]", "",
   "grid point (row-major over the axes of `/grid`, the last axis fastest; 0 without a grid)",
   S::task_input, 0, 0, 3, false, false, R::none, N::none},
  {"/tasks/grid", E::float64, 0, "[M, A]", "as the axes",
   "the task's value on each of the A grid axes (attribute `columns`: the axis paths); "
   "present when the study has a `grid:`",
   S::task_input, 0, nan, 3, false, true, R::none, N::grid},
  {"/results/status", E::int8, 1, "[M]", "",
   "outcome of the task (attribute `names`); written last, so a row cut short reads as pending",
   S::summary, SIMORCH_SUMMARY(status), 0, 1, false, false, R::none, N::status},
  {"/results/success", E::uint8, 1, "[M]", "", "1 when completed and settled",
   S::summary, SIMORCH_SUMMARY(success), 0, 1, false, false, R::none, N::none},
  metric("/results/ise", "SI²·s", "∫‖x‖² dt over the six state components", SIMORCH_SUMMARY(ise)),
  metric("/results/itae", "rad·s²", "∫ t·(|θ1| + |θ2|) dt", SIMORCH_SUMMARY(itae)),
  metric("/results/max_abs_theta1", "rad", "max |θ1|", SIMORCH_SUMMARY(max_abs_theta1)),
  metric("/results/max_abs_theta2", "rad", "max |θ2|", SIMORCH_SUMMARY(max_abs_theta2)),
  metric("/results/max_abs_x", "m", "max |x|", SIMORCH_SUMMARY(max_abs_x)),
  metric("/results/max_abs_u", "N", "max |u| over the applied forces", SIMORCH_SUMMARY(max_abs_u)),
  metric("/results/control_energy", "N²·s", "∫ u² dt", SIMORCH_SUMMARY(control_energy)),
  {"/results/settling_time", E::float64, 1, "[M]", "s",
   "time after which |θ1|, |θ2| stay inside the tolerance; NaN when the angles never settle",
   S::summary, SIMORCH_SUMMARY(settling_time), nan, 1, false, false, R::metric, N::none},
  {"/results/failure_time_s", E::float64, 1, "[M]", "s",
   "simulated time at which the task left the bounds, diverged or failed; NaN when completed",
   S::summary, SIMORCH_SUMMARY(failure_time_s), nan, 2, false, false, R::failure, N::none},
  {"/results/final_state", E::float64, 6, "[M, 6]", "m, rad, m/s, rad/s",
   "state at the end of the task, or where it stopped (attribute `columns`)",
   S::summary, SIMORCH_SUMMARY(final_state), nan, 1, false, false, R::none, N::state},
  {"/results/steps", E::int64, 1, "[M]", "", "control periods simulated",
   S::summary, SIMORCH_SUMMARY(steps), 0, 1, false, false, R::cost, N::none},
  {"/results/integrator_steps", E::int64, 1, "[M]", "", "accepted integrator steps",
   S::summary, SIMORCH_SUMMARY(integrator_steps), 0, 1, false, false, R::cost, N::none},
  {"/results/rejected_steps", E::int64, 1, "[M]", "", "rejected integrator steps (dp45)",
   S::summary, SIMORCH_SUMMARY(rejected_steps), 0, 1, false, false, R::cost, N::none},
  {"/results/rank", E::int32, 1, "[M]", "", "MPI rank that ran the task",
   S::summary, SIMORCH_SUMMARY(rank), -1, 1, true, false, R::none, N::none},
  {"/results/thread", E::int32, 1, "[M]", "", "pool thread that ran the task",
   S::summary, SIMORCH_SUMMARY(thread), -1, 1, true, false, R::none, N::none},
  {"/results/wall_time_s", E::float64, 1, "[M]", "s",
   "compute time of the task: its share of the lockstep batch it ran in (docs/kernel.md)",
   S::summary, SIMORCH_SUMMARY(wall_time_s), nan, 1, true, false, R::cost, N::none},
  {"/results/message", E::text, TaskSummary::message_capacity, "[M]", "",
   "the reason for a failure status, \"\" otherwise (fixed-length, NUL-padded; h5py gives "
   "`bytes`)",
   S::summary, SIMORCH_SUMMARY(message), 0, 1, false, false, R::none, N::none},
  {"/trajectories/state", E::float64, 6, "[M, K, 6]", "m, rad, m/s, rad/s",
   "decimated state (attribute `columns`); NaN after an early stop",
   S::trajectory, 0, nan, 1, false, true, R::none, N::state},
  {"/trajectories/control", E::float64, 1, "[M, K]", "N",
   "force applied from each sample time; NaN at the last sample",
   S::trajectory, 0, nan, 1, false, true, R::none, N::none},
};

#define SIMORCH_FIELD(row, member, type, unit, meaning) \
  FieldSpec{#member, type, offsetof(row, member), sizeof(row::member), unit, meaning}

// The fields of every table, table after table in the order of `tables` below; a table's
// fields begin at the one at offset 0 of its row struct.
constexpr FieldSpec table_fields[] = {
  // /cases
  SIMORCH_FIELD(CaseRow, name, E::text, "", "the case's `name` (\"base\" without `cases:`)"),
  SIMORCH_FIELD(CaseRow, hash, E::text, "", "16 hex digits of the case's canonical text (as `study_hash`)"),
  // /results/errors
  SIMORCH_FIELD(ErrorRow, task_id, E::uint64, "", "the failed task"),
  SIMORCH_FIELD(ErrorRow, status, E::int8, "", "its status (as /results/status)"),
  SIMORCH_FIELD(ErrorRow, message, E::text, "", "its reason"),
  // /timing/segments
  SIMORCH_FIELD(SegmentRow, segment, E::int32, "", "0 for the first run, +1 per writer"),
  SIMORCH_FIELD(SegmentRow, start_unix_s, E::float64, "s", "start (Unix time)"),
  SIMORCH_FIELD(SegmentRow, end_unix_s, E::float64, "s", "end (Unix time)"),
  SIMORCH_FIELD(SegmentRow, wall_s, E::float64, "s", "whole segment on rank 0"),
  SIMORCH_FIELD(SegmentRow, setup_s, E::float64, "s", "serial part before dispatch"),
  SIMORCH_FIELD(SegmentRow, finalize_s, E::float64, "s", "serial part after the last result"),
  SIMORCH_FIELD(SegmentRow, ranks, E::int32, "", "MPI ranks"),
  SIMORCH_FIELD(SegmentRow, threads_per_rank, E::int32, "", "pool threads per rank"),
  SIMORCH_FIELD(SegmentRow, tasks_done, E::uint64, "", "tasks finished in this segment"),
  SIMORCH_FIELD(SegmentRow, outcome, E::int32, "", "0 complete, 1 interrupted"),
  SIMORCH_FIELD(SegmentRow, kernel, E::text, "", "batch kernel of rank 0: ISA × width; math library; numerics family"),
  // /timing/ranks
  SIMORCH_FIELD(RankRow, segment, E::int32, "", "segment index"),
  SIMORCH_FIELD(RankRow, rank, E::int32, "", "MPI rank"),
  SIMORCH_FIELD(RankRow, host, E::text, "", "host name"),
  SIMORCH_FIELD(RankRow, threads, E::int32, "", "pool threads"),
  SIMORCH_FIELD(RankRow, tasks, E::uint64, "", "tasks run"),
  SIMORCH_FIELD(RankRow, simulated, E::uint64, "", "of `tasks`, those simulated: not skipped past a `monte_carlo.stop` (0 in files of earlier versions)"),
  SIMORCH_FIELD(RankRow, compute_s, E::float64, "s", "Σ task time of its threads"),
  SIMORCH_FIELD(RankRow, idle_s, E::float64, "s", "Σ time its threads waited for work"),
  SIMORCH_FIELD(RankRow, comm_s, E::float64, "s", "main thread time inside MPI calls"),
  SIMORCH_FIELD(RankRow, wall_s, E::float64, "s", "its time from start of dispatch to end"),
  // /timing/threads
  SIMORCH_FIELD(ThreadRow, segment, E::int32, "", "segment index"),
  SIMORCH_FIELD(ThreadRow, rank, E::int32, "", "MPI rank"),
  SIMORCH_FIELD(ThreadRow, thread, E::int32, "", "pool thread"),
  SIMORCH_FIELD(ThreadRow, tasks, E::uint64, "", "tasks run"),
  SIMORCH_FIELD(ThreadRow, busy_s, E::float64, "s", "wall time spent in tasks"),
};

// The fields of the n-th table in `table_fields`.
constexpr std::span<const FieldSpec> fields_of_table(std::size_t n) {
  const std::span<const FieldSpec> all(table_fields);
  std::size_t first = 0;
  for (std::size_t seen = 0; seen < n; ++seen) {
    do {
      ++first;
    } while (all[first].offset != 0);
  }
  std::size_t last = first + 1;
  while (last < all.size() && all[last].offset != 0) {
    ++last;
  }
  return all.subspan(first, last - first);
}

constexpr TableSpec tables[] = {
  {"/cases", sizeof(CaseRow), "one per case, in file order (row = `/tasks/case`); its "
   "attribute `canonical` (strings, one per row) holds each case's canonical text at grid "
   "point 0", fields_of_table(0)},
  {"/results/errors", sizeof(ErrorRow), "one per failed task, sorted by `task_id`", fields_of_table(1)},
  {"/timing/segments", sizeof(SegmentRow), "one per run segment that closed", fields_of_table(2)},
  {"/timing/ranks", sizeof(RankRow), "one per rank and segment", fields_of_table(3)},
  {"/timing/threads", sizeof(ThreadRow), "one per pool thread and segment", fields_of_table(4)},
};
static_assert(fields_of_table(0).front().name == "name" && fields_of_table(1).size() == 3 &&
                  fields_of_table(4).size() == 5 && fields_of_table(4).back().name == "busy_s",
              "table_fields and tables list the tables in the same order");

constexpr AttributeSpec root_attributes[] = {
  {"format", "string", "always `simorch-batch`"},
  {"format_version", "int32", "layout version; a reader refuses a larger one"},
  {"simorch_version", "string", "version of the writer"},
  {"created", "string", "ISO 8601 UTC time the file was created"},
  {"study", "string", "the study file's YAML text as given"},
  {"study_canonical", "string", "every resolved setting that determines the results"},
  {"study_hash", "string", "16 hex digits of `study_canonical`; `--resume` refuses another study"},
  {"seed", "uint64", "`monte_carlo.seed`"},
  {"n_tasks", "uint64", "`M`"},
  {"model", "string", "as in the study"},
  {"controller", "string", "as in the study"},
  {"integrator", "string", "as in the study"},
  {"dt", "float64", "control period [s]"},
  {"duration", "float64", "simulated time per task [s]"},
  {"save_every", "int64", "trajectory decimation (0: no trajectories)"},
  {"run_state", "string", "`running` (a writer has it open or was killed), `interrupted`, "
                          "`complete` (every task done)"},
  {"tasks_done", "uint64", "tasks with a status other than `pending` (at every checkpoint and "
                           "at close)"},
};
// clang-format on

#undef SIMORCH_FIELD
#undef SIMORCH_SUMMARY

std::string column_type(const ColumnSpec& c) {
  return element_type_name(c.type, c.width);
}

std::string column_meaning(const ColumnSpec& c) {
  std::string out(c.meaning);
  if (c.names == ColumnNames::status) {
    out += ":";
    for (int s = 0; s < task_status_count; ++s) {
      out += fmt::format(" {} {}{}", s, to_string(static_cast<TaskStatus>(s)),
                         s + 1 < task_status_count ? "," : "");
    }
  }
  if (std::isnan(c.fill)) {
    out += c.type == ElementType::float64 ? "; NaN until written" : "";
  } else if (c.type != ElementType::text) {
    out += fmt::format("; {} until written", c.fill);
  }
  if (c.since_version > 1) out += fmt::format(" (since format_version {})", c.since_version);
  return out;
}

void append_columns(std::string& out, std::string_view group) {
  out += "| dataset | type | shape | unit | meaning |\n|---|---|---|---|---|\n";
  for (const ColumnSpec& c : columns) {
    if (c.path.substr(0, group.size()) != group) continue;
    out += fmt::format("| `{}` | {} | `{}` | {} | {} |\n", c.name(), column_type(c), c.shape,
                       c.unit, column_meaning(c));
  }
}

}  // namespace

std::string element_type_name(ElementType type, std::size_t size) {
  static constexpr std::string_view names[] = {"int8",  "uint8",  "int32",
                                               "int64", "uint64", "float64"};
  return type == ElementType::text ? fmt::format("string[{}]", size)
                                   : std::string(names[static_cast<std::size_t>(type)]);
}

std::span<const ColumnSpec> batch_columns() noexcept {
  return columns;
}

const ColumnSpec* find_batch_column(std::string_view path_or_name) noexcept {
  for (const ColumnSpec& c : columns) {
    if (c.path == path_or_name ||
        (c.path.substr(0, 9) == "/results/" && c.name() == path_or_name)) {
      return &c;
    }
  }
  return nullptr;
}

TaskSummary filled_summary(std::uint64_t task_id, TaskStatus status) noexcept {
  TaskSummary s;
  auto* bytes = reinterpret_cast<std::byte*>(&s);
  for (const ColumnSpec& c : columns) {
    if (c.source != ColumnSource::summary) continue;
    std::byte* at = bytes + c.summary_offset;
    const auto fill = [&](auto value) {
      for (std::size_t i = 0; i < c.width; ++i)
        std::memcpy(at + i * sizeof value, &value, sizeof value);
    };
    visit_fill(c, fill, [&] { std::memset(at, 0, c.width); });
  }
  s.task_id = task_id;
  s.status = status;
  return s;
}

std::span<const TableSpec> batch_tables() noexcept {
  return tables;
}

const TableSpec& batch_table(std::string_view path) {
  for (const TableSpec& t : tables) {
    if (t.path == path) return t;
  }
  throw std::out_of_range("no batch table " + std::string(path));
}

std::span<const AttributeSpec> batch_root_attributes() noexcept {
  return root_attributes;
}

std::string batch_schema_markdown() {
  std::string out;
  out += fmt::format("## Root attributes (format `{}`, format_version {})\n\n", batch_format_name,
                     batch_format_version);
  out += "| attribute | type | meaning |\n|---|---|---|\n";
  for (const AttributeSpec& a : root_attributes) {
    out += fmt::format("| `{}` | {} | {} |\n", a.name, a.type, a.meaning);
  }
  out += "\n## /tasks — inputs, regenerated from the study and the task id\n\n";
  append_columns(out, "/tasks/");
  out += "\n## /results — one row per task\n\n";
  append_columns(out, "/results/");
  out += "\n## /trajectories — when `output.save_every` > 0\n\n";
  append_columns(out, "/trajectories/");
  out += "\n## /grid — when the study has a `grid:`\n\n";
  out +=
      "One float64 dataset per axis, `/grid/axis<a>` (a = 0, 1, … in file order), holding "
      "the axis values; its attribute `path` is the study path it sets (the column names "
      "of `/tasks/grid`). A task's grid point p is row-major over the axes: the last "
      "axis varies fastest.\n";
  out += "\n## Tables — compound datasets that grow by rows\n";
  for (const TableSpec& t : tables) {
    out += fmt::format("\n`{}`: {}.\n\n| field | type | unit | meaning |\n|---|---|---|---|\n",
                       t.path, t.rows);
    for (const FieldSpec& f : t.fields) {
      out += fmt::format("| `{}` | {} | {} | {} |\n", f.name, element_type_name(f.type, f.size),
                         f.unit, f.meaning);
    }
  }
  return out;
}

}  // namespace simorch
