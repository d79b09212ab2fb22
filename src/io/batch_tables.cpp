#include "batch_tables.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "simorch/error.hpp"

namespace simorch::io_detail {

h5::Datatype element_h5_type(ElementType type, std::size_t size) {
  switch (type) {
    case ElementType::int8:
      return h5::native_type<std::int8_t>();
    case ElementType::uint8:
      return h5::native_type<std::uint8_t>();
    case ElementType::int32:
      return h5::native_type<std::int32_t>();
    case ElementType::int64:
      return h5::native_type<std::int64_t>();
    case ElementType::uint64:
      return h5::native_type<std::uint64_t>();
    case ElementType::float64:
      return h5::native_type<double>();
    case ElementType::text:
      return h5::fixed_string_type(size);
  }
  throw Error("element_h5_type: unknown element type");
}

std::size_t element_size(ElementType type, std::size_t size) noexcept {
  switch (type) {
    case ElementType::int8:
    case ElementType::uint8:
      return 1;
    case ElementType::int32:
      return 4;
    case ElementType::int64:
    case ElementType::uint64:
    case ElementType::float64:
      return 8;
    case ElementType::text:
      return size;
  }
  return 0;
}

h5::Datatype table_type(const TableSpec& table) {
  h5::CompoundBuilder builder(table.row_size);
  for (const FieldSpec& f : table.fields) {
    builder.add(f.name, f.offset, element_h5_type(f.type, f.size));
  }
  return builder.build();
}

std::vector<std::byte> read_table_rows(const h5::Dataset& dataset, const TableSpec& table) {
  // HDF5 converts compound members by name: a memory type of only the fields the file
  // has reads an older file's table, leaving the newer fields zero.
  const std::vector<std::string> stored = dataset.field_names();
  h5::CompoundBuilder builder(table.row_size);
  for (const FieldSpec& f : table.fields) {
    if (std::find(stored.begin(), stored.end(), f.name) != stored.end()) {
      builder.add(f.name, f.offset, element_h5_type(f.type, f.size));
    }
  }
  const auto rows = dataset.dims().at(0);
  std::vector<std::byte> out(static_cast<std::size_t>(rows) * table.row_size, std::byte{0});
  if (rows > 0) dataset.read_rows_raw(0, rows, out.data(), builder.build());
  return out;
}

void copy_text(char* out, const char* in, std::size_t capacity) noexcept {
  const std::size_t n = strnlen(in, capacity - 1);
  std::memset(out, 0, capacity);
  std::memcpy(out, in, n);
}

TimingRows to_rows(const SegmentTiming& t) {
  TimingRows out;
  out.segment = SegmentRow{t.segment,    t.start_unix_s,
                           t.end_unix_s, t.wall_s,
                           t.setup_s,    t.finalize_s,
                           t.ranks,      t.threads_per_rank,
                           t.tasks_done, static_cast<std::int32_t>(t.outcome),
                           {}};
  std::memcpy(out.segment.kernel, t.kernel.data(), std::min(t.kernel.size(), kernel_capacity - 1));
  out.ranks.reserve(t.rank_timing.size());
  for (const RankTiming& r : t.rank_timing) {
    RankRow row{};  // zeroed, host padding included (bitwise-identical rows)
    row.segment = t.segment;
    row.rank = r.rank;
    std::memcpy(row.host, r.host.data(), std::min(r.host.size(), host_capacity - 1));
    row.threads = r.threads;
    row.tasks = r.tasks;
    row.compute_s = r.compute_s;
    row.idle_s = r.idle_s;
    row.comm_s = r.comm_s;
    row.wall_s = r.wall_s;
    out.ranks.push_back(row);
  }
  out.threads.reserve(t.thread_timing.size());
  for (const ThreadTiming& th : t.thread_timing) {
    out.threads.push_back(ThreadRow{t.segment, th.rank, th.thread, th.tasks, th.busy_s});
  }
  return out;
}

std::vector<SegmentTiming> segments_from_rows(const std::vector<SegmentRow>& segments,
                                              const std::vector<RankRow>& ranks,
                                              const std::vector<ThreadRow>& threads,
                                              const std::string& file) {
  std::vector<SegmentTiming> out;
  std::map<std::int32_t, std::size_t> position;  // segment index → index in `out`
  for (const SegmentRow& r : segments) {
    SegmentTiming t;
    t.segment = r.segment;
    t.start_unix_s = r.start_unix_s;
    t.end_unix_s = r.end_unix_s;
    t.wall_s = r.wall_s;
    t.setup_s = r.setup_s;
    t.finalize_s = r.finalize_s;
    t.ranks = r.ranks;
    t.threads_per_rank = r.threads_per_rank;
    t.tasks_done = r.tasks_done;
    t.outcome = r.outcome == 0 ? RunOutcome::complete : RunOutcome::interrupted;
    t.kernel = std::string(r.kernel, strnlen(r.kernel, kernel_capacity));
    position[t.segment] = out.size();
    out.push_back(std::move(t));
  }
  auto segment_of = [&](std::int32_t index, const char* table) -> SegmentTiming& {
    const auto it = position.find(index);
    if (it == position.end()) {
      throw IoError(
          file, std::string("read /timing/") + table,
          "a row names segment " + std::to_string(index) + ", which /timing/segments lacks", true);
    }
    return out[it->second];
  };
  for (const RankRow& r : ranks) {
    segment_of(r.segment, "ranks")
        .rank_timing.push_back({r.rank, std::string(r.host, strnlen(r.host, host_capacity)),
                                r.threads, r.tasks, r.compute_s, r.idle_s, r.comm_s, r.wall_s});
  }
  for (const ThreadRow& th : threads) {
    segment_of(th.segment, "threads")
        .thread_timing.push_back({th.rank, th.thread, th.tasks, th.busy_s});
  }
  std::sort(out.begin(), out.end(),
            [](const SegmentTiming& a, const SegmentTiming& b) { return a.segment < b.segment; });
  return out;
}

}  // namespace simorch::io_detail
