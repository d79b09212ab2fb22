#pragma once

// One block of finished tasks as rank 0's writer stores it: the summaries transposed, once,
// into one byte buffer per summary column of the schema (simorch/io/batch_schema.hpp), in
// task-id order. The same buffers become the journal's results record and the HDF5 rows
// (one hyperslab per column per contiguous run of ids): one copy per value, no per-column
// code. Text columns (the failure message) are sparse: only rows that have text.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "journal.hpp"
#include "simorch/io/batch_schema.hpp"
#include "simorch/sim/task.hpp"

namespace simorch::io_detail {

class RowBlock {
 public:
  /// A contiguous run of task ids: rows [offset, offset + count) of the block hold tasks
  /// [first, first + count).
  struct Run {
    std::uint64_t first = 0;
    std::uint64_t count = 0;
    std::uint64_t offset = 0;
  };
  /// A numeric summary column: row_bytes per row, rows in block order.
  struct DenseColumn {
    const ColumnSpec* spec = nullptr;
    std::size_t row_bytes = 0;
    std::vector<std::byte> data;
  };
  /// A text summary column: the rows (block indices) with text, their NUL-padded bytes.
  struct SparseColumn {
    const ColumnSpec* spec = nullptr;
    std::vector<std::uint64_t> rows;
    std::vector<std::byte> data;  ///< rows.size() · spec->width
  };

  RowBlock();

  /// Fills the block from rows[order[0]], rows[order[1]], … (`count` rows, ids ascending
  /// and distinct).
  void assign(const TaskSummary* rows, const std::size_t* order, std::size_t count);
  /// assign() of rows[0 .. count).
  void assign(const TaskSummary* rows, std::size_t count);

  std::size_t size() const noexcept { return size_; }
  const std::vector<Run>& runs() const noexcept { return runs_; }
  const std::vector<DenseColumn>& dense() const noexcept { return dense_; }
  const std::vector<SparseColumn>& sparse() const noexcept { return sparse_; }

  /// The payload of a journal results record of this block, as pieces that point into the
  /// block, `states` (size()·k·6 doubles) and `controls` (size()·k), without copies.
  /// Valid until the next assign() or journal_pieces().
  std::span<const std::span<const std::byte>> journal_pieces(std::int64_t num_samples,
                                                             const double* states,
                                                             const double* controls);

 private:
  std::size_t size_ = 0;
  std::vector<Run> runs_;
  std::vector<DenseColumn> dense_;
  std::vector<SparseColumn> sparse_;
  std::vector<std::uint64_t> prefix_;
  std::vector<std::span<const std::byte>> pieces_;
};

/// The summary columns the writer stores, in schema order: numeric ones (dense) and text
/// ones (sparse). BatchDatasets and RowBlock both follow this order.
std::vector<const ColumnSpec*> dense_summary_columns();
std::vector<const ColumnSpec*> sparse_summary_columns();

/// An identifier of the summary columns' layout (paths, types, widths), recorded in the
/// journal header: a journal whose rows were laid out by another schema is refused.
std::uint32_t row_layout_id() noexcept;

}  // namespace simorch::io_detail
