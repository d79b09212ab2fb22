#include "batch_tables.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "simorch/error.hpp"

namespace simorch::io_detail {

h5::Datatype element_h5_type(ElementType type, std::size_t size) {
  if (type == ElementType::text) return h5::fixed_string_type(size);
  // Indexed by ElementType (text handled above).
  using Make = h5::Datatype (*)();
  static constexpr Make make[] = {&h5::native_type<std::int8_t>,   &h5::native_type<std::uint8_t>,
                                  &h5::native_type<std::int32_t>,  &h5::native_type<std::int64_t>,
                                  &h5::native_type<std::uint64_t>, &h5::native_type<double>};
  return make[static_cast<std::size_t>(type)]();
}

std::size_t element_size(ElementType type, std::size_t size) noexcept {
  static constexpr std::size_t bytes[] = {1, 1, 4, 8, 8, 8};  // indexed by ElementType
  return type == ElementType::text ? size : bytes[static_cast<std::size_t>(type)];
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
  out.segment = SegmentRow{};
  segment_fields(out.segment) = segment_fields(t);
  out.segment.outcome = static_cast<std::int32_t>(t.outcome);
  std::memcpy(out.segment.kernel, t.kernel.data(), std::min(t.kernel.size(), kernel_capacity - 1));
  out.ranks.reserve(t.rank_timing.size());
  for (const RankTiming& r : t.rank_timing) {
    RankRow row{};  // zeroed, host padding included (bitwise-identical rows)
    row.segment = t.segment;
    rank_fields(row) = rank_fields(r);
    std::memcpy(row.host, r.host.data(), std::min(r.host.size(), host_capacity - 1));
    out.ranks.push_back(row);
  }
  out.threads.reserve(t.thread_timing.size());
  for (const ThreadTiming& th : t.thread_timing) {
    ThreadRow row{};
    row.segment = t.segment;
    thread_fields(row) = thread_fields(th);
    out.threads.push_back(row);
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
    segment_fields(t) = segment_fields(r);
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
    RankTiming timing;
    rank_fields(timing) = rank_fields(r);
    timing.host.assign(r.host, strnlen(r.host, host_capacity));
    segment_of(r.segment, "ranks").rank_timing.push_back(std::move(timing));
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
