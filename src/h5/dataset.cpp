#include "simorch/h5/dataset.hpp"

#include <hdf5.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "check.hpp"

namespace simorch::h5 {
namespace {

std::string rows_text(std::uint64_t first, std::uint64_t count) {
  return "rows [" + std::to_string(first) + ", " + std::to_string(first + count) + ")";
}

/// Selects rows [first, first + count) of `file_space`, whose dimensions are `d`, and
/// returns the memory space of that block.
Dataspace select_rows(Dataspace& file_space, std::vector<std::uint64_t> d, std::uint64_t first,
                      std::uint64_t count) {
  std::vector<std::uint64_t> start(d.size(), 0);
  start[0] = first;
  d[0] = count;
  file_space.select_hyperslab(start, d);
  return Dataspace::simple(d);
}

}  // namespace

Dataspace Dataset::space() const {
  return Dataspace(
      detail::check_id(H5Dget_space(id()), file(), [&] { return "get dataspace of " + name(); }),
      file());
}

std::vector<std::uint64_t> Dataset::dims() const {
  return space().dims();
}

Datatype Dataset::datatype() const {
  return Datatype(
      detail::check_id(H5Dget_type(id()), file(), [&] { return "get datatype of " + name(); }),
      file());
}

std::uint64_t Dataset::row_elements() const {
  const auto d = dims();
  std::uint64_t n = 1;
  for (std::size_t i = 1; i < d.size(); ++i) {
    n *= d[i];
  }
  return n;
}

void Dataset::write_rows_raw(std::uint64_t first, std::uint64_t count, const void* data,
                             const Datatype& mem_type) {
  if (count == 0) {
    return;
  }
  // A dataset that cannot grow keeps its dimensions: read once (H5Dget_space costs about
  // as much as writing a chunk's rows).
  const std::vector<std::uint64_t> d = fixed_dims_.empty() ? dims() : fixed_dims_;
  if (d.empty() || first + count > d[0]) {
    throw IoError(file(), "write " + rows_text(first, count) + " of " + name(),
                  "outside the dataset's " + std::to_string(d.empty() ? 0 : d[0]) + " rows");
  }
  // Rows that fill whole chunks go to the file as they are (H5Dwrite_chunk): no copy
  // through the chunk cache and no fill of a new chunk, which were most of the writer's
  // HDF5 time (bench/README.md, "Writer ingest"). HDF5 evicts a cached copy of such a chunk.
  const std::uint64_t c = raw_chunk_rows(mem_type, d);
  const std::uint64_t end = first + count;
  const std::uint64_t whole_begin = c == 0 ? end : (first + c - 1) / c * c;
  const std::uint64_t whole_end = c == 0 ? end : end / c * c;
  if (whole_begin >= whole_end) {
    write_selection(first, count, data, mem_type);
    return;
  }
  const auto* bytes = static_cast<const std::byte*>(data);
  std::uint64_t per_row = mem_type.size();
  for (std::size_t i = 1; i < d.size(); ++i) per_row *= d[i];
  write_selection(first, whole_begin - first, bytes, mem_type);
  std::vector<hsize_t> offset(d.size(), 0);
  for (std::uint64_t row = whole_begin; row < whole_end; row += c) {
    offset[0] = row;
    detail::check(H5Dwrite_chunk(id(), H5P_DEFAULT, 0, offset.data(), c * per_row,
                                 bytes + (row - first) * per_row),
                  file(), [&] { return "write " + rows_text(row, c) + " of " + name(); });
  }
  write_selection(whole_end, end - whole_end, bytes + (whole_end - first) * per_row, mem_type);
}

void Dataset::write_selection(std::uint64_t first, std::uint64_t count, const void* data,
                              const Datatype& mem_type) {
  if (count == 0) return;
  auto file_space = space();
  const auto mem_space = select_rows(file_space, file_space.dims(), first, count);
  detail::check(H5Dwrite(id(), mem_type.id(), mem_space.id(), file_space.id(), H5P_DEFAULT, data),
                file(), [&] { return "write " + rows_text(first, count) + " of " + name(); });
}

std::uint64_t Dataset::raw_chunk_rows(const Datatype& mem_type,
                                      const std::vector<std::uint64_t>& d) const {
  if (chunk_rows_ < 0) {
    chunk_rows_ = 0;
    const Object dcpl(detail::check_id(H5Dget_create_plist(id()), file(),
                                       [&] { return "get creation properties of " + name(); }),
                      file());
    std::vector<hsize_t> chunk(d.size(), 0);
    if (H5Pget_layout(dcpl.id()) == H5D_CHUNKED && H5Pget_nfilters(dcpl.id()) == 0 &&
        H5Pget_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()) ==
            static_cast<int>(d.size())) {
      bool spans_rows = true;  // a chunk holds whole rows: every other dimension entire
      for (std::size_t i = 1; i < d.size(); ++i) spans_rows = spans_rows && chunk[i] == d[i];
      if (spans_rows) chunk_rows_ = static_cast<std::int64_t>(chunk[0]);
    }
    stored_type_ = datatype();
    const auto extent = space();
    if (extent.max_dims() == d) fixed_dims_ = d;
  }
  // Raw chunks are stored bytes: only data already in the stored type qualifies.
  return chunk_rows_ > 0 && H5Tequal(mem_type.id(), stored_type_.id()) > 0
             ? static_cast<std::uint64_t>(chunk_rows_)
             : 0;
}

void Dataset::read_rows_raw(std::uint64_t first, std::uint64_t count, void* data,
                            const Datatype& mem_type) const {
  auto file_space = space();
  auto d = file_space.dims();
  if (d.empty()) {  // scalar dataset: one element
    detail::check(H5Dread(id(), mem_type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file(),
                  [&] { return "read " + name(); });
    return;
  }
  if (count == 0) {
    return;
  }
  if (first + count > d[0]) {
    throw IoError(file(), "read " + rows_text(first, count) + " of " + name(),
                  "outside the dataset's " + std::to_string(d[0]) + " rows", true);
  }
  const auto mem_space = select_rows(file_space, d, first, count);
  detail::check(H5Dread(id(), mem_type.id(), mem_space.id(), file_space.id(), H5P_DEFAULT, data),
                file(), [&] { return "read " + rows_text(first, count) + " of " + name(); });
}

void Dataset::resize(const std::vector<std::uint64_t>& dims) {
  detail::check(H5Dset_extent(id(), detail::to_hsize(dims).data()), file(),
                [&] { return "resize " + name(); });
  fixed_dims_.clear();  // a fixed dataset may still shrink
}

std::uint64_t Dataset::append_rows_raw(std::uint64_t count, const void* data,
                                       const Datatype& mem_type) {
  auto d = dims();
  const std::uint64_t first = d.at(0);
  if (count == 0) {
    return first;
  }
  d[0] += count;
  resize(d);
  write_rows_raw(first, count, data, mem_type);
  return first;
}

std::vector<std::string> Dataset::read_strings() const {
  const auto type = datatype();
  const auto file_space = space();
  const std::uint64_t n = file_space.num_elements();
  std::vector<std::string> out;
  out.reserve(n);
  if (type.is_variable_string()) {
    std::vector<char*> ptrs(n, nullptr);
    const auto mem = variable_string_type();
    detail::check(H5Dread(id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), file(),
                  [&] { return "read strings of " + name(); });
    for (char* p : ptrs) {
      out.emplace_back(p == nullptr ? "" : p);
    }
    H5Dvlen_reclaim(mem.id(), file_space.id(), H5P_DEFAULT, ptrs.data());
  } else if (type.is_string()) {
    const std::size_t size = type.size();
    std::vector<char> buffer(n * size);
    detail::check(H5Dread(id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), file(),
                  [&] { return "read strings of " + name(); });
    for (std::uint64_t i = 0; i < n; ++i) {
      out.emplace_back(&buffer[i * size], strnlen(&buffer[i * size], size));
    }
  } else {
    throw IoError(file(), "read strings of " + name(), "not a string dataset", true);
  }
  return out;
}

std::vector<std::string> Dataset::field_names() const {
  const auto type = datatype();
  if (!type.is_compound()) {
    return {};
  }
  const int n = H5Tget_nmembers(type.id());
  if (n < 0) {
    detail::fail_lazy(file(), [&] { return "list members of " + name(); });
  }
  std::vector<std::string> out;
  for (unsigned i = 0; i < static_cast<unsigned>(n); ++i) {
    char* member = H5Tget_member_name(type.id(), i);
    if (member == nullptr) {
      detail::fail_lazy(file(), [&] { return "list members of " + name(); });
    }
    out.emplace_back(member);
    H5free_memory(member);
  }
  return out;
}

void Dataset::read_field_raw(std::string_view member, void* data, const Datatype& type,
                             std::size_t size) const {
  const std::string m(member);
  const auto stored = datatype();
  if (!stored.is_compound() || H5Tget_member_index(stored.id(), m.c_str()) < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(file(), "read field '" + m + "' of " + name(), "no such compound member", true);
  }
  // A one-member compound: HDF5 picks that member out of every row by name.
  auto mem = CompoundBuilder(size).add(m, 0, type).build();
  detail::check(H5Dread(id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file(),
                [&] { return "read field '" + m + "' of " + name(); });
}

std::vector<std::string> Dataset::read_string_field(std::string_view member) const {
  const std::string m(member);
  const auto stored = datatype();
  const int index = stored.is_compound() ? H5Tget_member_index(stored.id(), m.c_str()) : -1;
  if (index < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(file(), "read field '" + m + "' of " + name(), "no such compound member", true);
  }
  const Datatype member_type(
      detail::check_id(H5Tget_member_type(stored.id(), static_cast<unsigned>(index)), file(),
                       [&] { return "get type of field '" + m + "'"; }),
      file());
  const std::size_t n = static_cast<std::size_t>(dims().at(0));
  std::vector<std::string> out;
  out.reserve(n);
  if (member_type.is_variable_string()) {
    std::vector<char*> ptrs(n, nullptr);
    const auto str = variable_string_type();
    auto mem = CompoundBuilder(sizeof(char*)).add(m, 0, str).build();
    detail::check(H5Dread(id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), file(),
                  [&] { return "read field '" + m + "' of " + name(); });
    for (char* p : ptrs) {
      out.emplace_back(p == nullptr ? "" : p);
    }
    const auto s = space();
    H5Dvlen_reclaim(mem.id(), s.id(), H5P_DEFAULT, ptrs.data());
  } else if (member_type.is_string()) {
    const std::size_t size = member_type.size();
    std::vector<char> buffer(n * size);
    auto mem = CompoundBuilder(size).add(m, 0, fixed_string_type(size)).build();
    detail::check(H5Dread(id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), file(),
                  [&] { return "read field '" + m + "' of " + name(); });
    for (std::size_t i = 0; i < n; ++i) {
      out.emplace_back(&buffer[i * size], strnlen(&buffer[i * size], size));
    }
  } else {
    throw IoError(file(), "read field '" + m + "' of " + name(), "not a string member", true);
  }
  return out;
}

}  // namespace simorch::h5
