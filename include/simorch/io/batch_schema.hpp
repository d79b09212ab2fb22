#pragma once

// The batch file's schema in one place (docs/hdf5-schema.md is generated from it): the
// format name and version, the run states, the status names, every per-task dataset and
// every timing/error table. The writer creates, writes and reads the file from these
// tables, the reader checks against them, the reports pick their columns from them and
// the tests compare files with them.
//
// Adding a per-task column: add the member to TaskSummary, compute it, and add one row
// to the column table in src/io/batch_schema.cpp (bump batch_format_version and set the
// row's since_version). Adding a field to a /timing table: a member of its row struct
// and one row of its field list (src/io/batch_tables.hpp, src/io/batch_schema.cpp).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "simorch/sim/task.hpp"

namespace simorch {

/// Root attribute `format` of every batch file.
inline constexpr std::string_view batch_format_name = "simorch-batch";
/// The format_version this simorch writes (and the newest it reads). 2 added
/// /results/failure_time_s; 3 added cases and grids (/tasks/sample, /tasks/case,
/// /tasks/grid_point, /tasks/grid, /cases, /grid) and the status not_run.
inline constexpr std::int32_t batch_format_version = 3;

/// Values of the root attribute `run_state`.
namespace run_state {
inline constexpr std::string_view running = "running";          ///< open, or its writer died
inline constexpr std::string_view interrupted = "interrupted";  ///< closed with tasks pending
inline constexpr std::string_view complete = "complete";        ///< closed, every task done
}  // namespace run_state

/// Element type of a dataset or a table field as stored in the file.
enum class ElementType : std::uint8_t { int8, uint8, int32, int64, uint64, float64, text };

/// "int8", "float64", "string[96]", ... as the docs write them (`size` for text).
std::string element_type_name(ElementType type, std::size_t size);

/// Where the writer takes a per-task dataset's rows from.
enum class ColumnSource : std::uint8_t {
  summary,     ///< a TaskSummary member (at summary_offset)
  task_input,  ///< regenerated from (study, task id)
  trajectory,  ///< the trajectory buffers of write()
};

/// What `simorch report` does with a per-task column.
enum class ReportRole : std::uint8_t {
  none,
  metric,   ///< quantiles over completed tasks, "Summary metrics"
  cost,     ///< quantiles over completed tasks, after the metrics
  failure,  ///< quantiles over failed tasks (out_of_bounds, diverged, error)
};

/// Attribute `columns` (or `names`) written on a dataset.
enum class ColumnNames : std::uint8_t { none, state, params, status, grid };

/// One dataset with one row per task, under /tasks, /results or /trajectories.
struct ColumnSpec {
  std::string_view path;  ///< "/results/ise"
  ElementType type;       ///< stored element type
  /// Values per row (per sample for trajectories): 1, 6, 13; bytes of text; 0 for /tasks/grid,
  /// whose width is the study's number of grid axes.
  std::size_t width;
  std::string_view shape;  ///< as documented: "[M]", "[M, 6]", "[M, K, 6]"
  std::string_view unit;   ///< "s", "rad", "" when none
  std::string_view meaning;
  ColumnSource source;
  std::size_t summary_offset;  ///< offsetof(TaskSummary, member) for source summary
  double fill;                 ///< value of rows never written (numeric columns)
  std::int32_t since_version;  ///< first format_version that has it
  bool is_run_dependent;       ///< differs between layouts (rank, thread, wall_time_s)
  bool is_optional;            ///< present only for some studies (params, trajectories)
  ReportRole report;
  ColumnNames names;
  /// The last path component ("ise").
  std::string_view name() const noexcept { return path.substr(path.rfind('/') + 1); }
};

/// Calls `fn` with the fill value of a numeric column in the column's element type
/// (std::int8_t, …, double) and returns what it returns; `on_text()` for a text column.
template <class Fn, class TextFn>
decltype(auto) visit_fill(const ColumnSpec& c, Fn&& fn, TextFn&& on_text) {
  switch (c.type) {
    case ElementType::int8:
      return fn(static_cast<std::int8_t>(c.fill));
    case ElementType::uint8:
      return fn(static_cast<std::uint8_t>(c.fill));
    case ElementType::int32:
      return fn(static_cast<std::int32_t>(c.fill));
    case ElementType::int64:
      return fn(static_cast<std::int64_t>(c.fill));
    case ElementType::uint64:
      return fn(static_cast<std::uint64_t>(c.fill));
    case ElementType::float64:
      return fn(c.fill);
    case ElementType::text:
      break;
  }
  return on_text();
}

/// Every per-task dataset, in schema order.
std::span<const ColumnSpec> batch_columns() noexcept;
/// The per-task dataset at `path` ("/results/ise") or named `name` under /results ("ise");
/// nullptr when there is none.
const ColumnSpec* find_batch_column(std::string_view path_or_name) noexcept;

/// A summary of task `task_id` with `status` whose every other column holds the column's
/// fill value (NaN metrics, rank −1, …): the row of a task that never ran, e.g. not_run.
TaskSummary filled_summary(std::uint64_t task_id, TaskStatus status) noexcept;

/// One field of a compound table.
struct FieldSpec {
  std::string_view name;
  ElementType type;
  std::size_t offset;  ///< in the table's row struct
  std::size_t size;    ///< bytes (the capacity of a text field)
  std::string_view unit;
  std::string_view meaning;
};

/// A compound table with a growing number of rows (/results/errors, /timing/*).
struct TableSpec {
  std::string_view path;
  std::size_t row_size;   ///< sizeof the row struct
  std::string_view rows;  ///< what one row is, for the docs: "one per failed task"
  std::span<const FieldSpec> fields;
};

/// /cases, /results/errors, /timing/segments, /timing/ranks, /timing/threads, in that order.
std::span<const TableSpec> batch_tables() noexcept;
/// The table at `path`; throws std::out_of_range for a path that is not a table.
const TableSpec& batch_table(std::string_view path);

/// One root attribute (or /timing attribute), for the docs and the identity checks.
struct AttributeSpec {
  std::string_view name;
  std::string_view type;  ///< as the docs write it: "string", "uint64", ...
  std::string_view meaning;
};
/// Root attributes in the order they are written.
std::span<const AttributeSpec> batch_root_attributes() noexcept;

/// The generated part of docs/hdf5-schema.md (markdown tables), which a test compares
/// with the committed page.
std::string batch_schema_markdown();

}  // namespace simorch
