#pragma once

// Row structs of the batch file's compound tables (their fields are listed once, in
// batch_schema.cpp) and the one conversion between those rows and SegmentTiming, shared
// by the writer, the recovery and BatchReader.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "simorch/h5/dataset.hpp"
#include "simorch/h5/datatype.hpp"
#include "simorch/io/batch_schema.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/sim/task.hpp"

namespace simorch::io_detail {

inline constexpr std::size_t host_capacity = 64;    ///< bytes of /timing/ranks host
inline constexpr std::size_t kernel_capacity = 96;  ///< bytes of /timing/segments kernel

/// A row of /timing/segments.
struct SegmentRow {
  std::int32_t segment;
  double start_unix_s, end_unix_s, wall_s, setup_s, finalize_s;
  std::int32_t ranks, threads_per_rank;
  std::uint64_t tasks_done;
  std::int32_t outcome;
  char kernel[kernel_capacity];  ///< the batch kernel rank 0 ran (docs/kernel.md)
};

/// A row of /timing/ranks.
struct RankRow {
  std::int32_t segment, rank;
  char host[host_capacity];
  std::int32_t threads;
  std::uint64_t tasks, simulated;
  double compute_s, idle_s, comm_s, wall_s;
};

/// A row of /timing/threads.
struct ThreadRow {
  std::int32_t segment, rank, thread;
  std::uint64_t tasks;
  double busy_s;
};

inline constexpr std::size_t case_name_capacity = 64;  ///< bytes of /cases name

/// A row of /cases.
struct CaseRow {
  char name[case_name_capacity];
  char hash[16];  ///< 16 hex digits, no NUL
};

/// A row of /results/errors.
struct ErrorRow {
  std::uint64_t task_id;
  std::int8_t status;
  char message[TaskSummary::message_capacity];
};

/// The HDF5 type of one element (`size` bytes for text).
h5::Datatype element_h5_type(ElementType type, std::size_t size);
/// The compound type of `table`'s row struct, every field.
h5::Datatype table_type(const TableSpec& table);

/// Reads every row of the table `dataset` (described by `table`) into zeroed rows.
/// Fields the file lacks (an older format_version) stay zero; fields it has beyond the
/// schema are ignored.
std::vector<std::byte> read_table_rows(const h5::Dataset& dataset, const TableSpec& table);

/// read_table_rows() as rows of `Row` (the struct `table` describes).
template <class Row>
std::vector<Row> read_table(const h5::Dataset& dataset, const TableSpec& table) {
  const std::vector<std::byte> bytes = read_table_rows(dataset, table);
  std::vector<Row> rows(bytes.size() / sizeof(Row));
  if (!rows.empty()) std::memcpy(rows.data(), bytes.data(), bytes.size());
  return rows;
}

/// Bytes of one element in memory (`size` for text).
std::size_t element_size(ElementType type, std::size_t size) noexcept;

/// The rows of one segment's timing.
struct TimingRows {
  SegmentRow segment;
  std::vector<RankRow> ranks;
  std::vector<ThreadRow> threads;
};
TimingRows to_rows(const SegmentTiming& timing);

/// Builds segments (sorted by index) from the three timing tables. A rank or thread row
/// that names a segment the segments table lacks throws IoError (bad input) naming `file`.
std::vector<SegmentTiming> segments_from_rows(const std::vector<SegmentRow>& segments,
                                              const std::vector<RankRow>& ranks,
                                              const std::vector<ThreadRow>& threads,
                                              const std::string& file);

/// A fixed-length string of exactly the bytes up to the NUL: bytes after it in the
/// sender's buffer must not reach the file (bitwise-identical results).
void copy_text(char* out, const char* in, std::size_t capacity) noexcept;

}  // namespace simorch::io_detail
