#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "simorch/h5/dataspace.hpp"
#include "simorch/h5/datatype.hpp"
#include "simorch/h5/object.hpp"

namespace simorch::h5 {

/// How a dataset is laid out on creation (Group::create_dataset).
struct DatasetOptions {
  /// Maximum dimensions; empty = the initial dims (fixed size). h5::unlimited to grow.
  std::vector<std::uint64_t> max_dims;
  /// Chunk dimensions; empty = contiguous (needed for unlimited dims, filters, fill on
  /// demand). Each chunk is read and written whole, so size it near 0.1–1 MB.
  std::vector<std::uint64_t> chunk;
  /// Bytes of the per-dataset chunk cache (0: HDF5's default of 1 MiB). Make it hold a
  /// few chunks when writes touch chunks partially.
  std::size_t chunk_cache_bytes = 0;
  /// Value of elements never written; a type of native_type<T>() and its bytes.
  Datatype fill_type;
  std::vector<std::byte> fill_value;

  /// Sets the fill value, e.g. `options.fill(std::numeric_limits<double>::quiet_NaN())`.
  template <class T>
  DatasetOptions& fill(T value) {
    fill_type = native_type<T>();
    fill_value.resize(sizeof(T));
    const auto* bytes = reinterpret_cast<const std::byte*>(&value);
    fill_value.assign(bytes, bytes + sizeof(T));
    return *this;
  }
};

/// An n-dimensional dataset. Row-oriented helpers select whole rows along the first
/// dimension (a hyperslab [first, first+count) × every other dimension), which is how
/// the batch file is indexed (row = task id). Example:
/// ```
/// auto status = file.open_dataset("/results/status");
/// auto rows = status.read_rows<std::int8_t>(0, 4096);     // the first 4096 statuses
/// auto final_state = file.open_dataset("/results/final_state").read<double>();  // M·6
/// auto wall = file.open_dataset("/timing/ranks").read_field<double>("wall_s");
/// ```
class Dataset : public Object {
 public:
  using Object::Object;

  /// Current dimensions.
  std::vector<std::uint64_t> dims() const;
  /// The stored element type.
  Datatype datatype() const;
  /// The current dataspace.
  Dataspace space() const;
  /// Elements per row: product of every dimension but the first (1 for 1-D).
  std::uint64_t row_elements() const;

  /// Writes rows [first, first+count) from `data` (count·row_elements() of `mem_type`).
  /// Rows that fill whole chunks of an unfiltered dataset, given in the stored type, are
  /// written as raw chunks, past the chunk cache.
  void write_rows_raw(std::uint64_t first, std::uint64_t count, const void* data,
                      const Datatype& mem_type);
  /// Reads rows [first, first+count) into `data` (count·row_elements() of `mem_type`).
  void read_rows_raw(std::uint64_t first, std::uint64_t count, void* data,
                     const Datatype& mem_type) const;
  /// Changes the current dimensions (within max_dims; chunked datasets only).
  void resize(const std::vector<std::uint64_t>& dims);
  /// Grows the first dimension by `count` and writes those rows; returns the first new row.
  std::uint64_t append_rows_raw(std::uint64_t count, const void* data, const Datatype& mem_type);

  /// Writes whole rows starting at `first`; data.size() must be a multiple of row_elements().
  template <class T>
  void write_rows(std::uint64_t first, std::span<const T> data) {
    const auto per_row = row_elements();
    write_rows_raw(first, per_row == 0 ? 0 : data.size() / per_row, data.data(), native_type<T>());
  }
  /// Reads `count` rows starting at `first` as T (HDF5 converts numeric types).
  template <class T>
  std::vector<T> read_rows(std::uint64_t first, std::uint64_t count) const {
    std::vector<T> out(static_cast<std::size_t>(count * row_elements()));
    read_rows_raw(first, count, out.data(), native_type<T>());
    return out;
  }
  /// Reads the whole dataset as T, row-major.
  template <class T>
  std::vector<T> read() const {
    const auto d = dims();
    return read_rows<T>(0, d.empty() ? 1 : d[0]);
  }
  /// Reads a 1-D (or scalar) string dataset, fixed or variable length.
  std::vector<std::string> read_strings() const;

  /// Reads member `member` of every row of a 1-D compound dataset as T.
  template <class T>
  std::vector<T> read_field(std::string_view member) const {
    std::vector<T> out(static_cast<std::size_t>(dims().at(0)));
    read_field_raw(member, out.data(), native_type<T>(), sizeof(T));
    return out;
  }
  /// Reads a string member of every row of a 1-D compound dataset.
  std::vector<std::string> read_string_field(std::string_view member) const;
  /// Names of the members of a compound dataset, in stored order.
  std::vector<std::string> field_names() const;

 private:
  void read_field_raw(std::string_view member, void* data, const Datatype& type,
                      std::size_t size) const;
  /// H5Dwrite of rows [first, first+count) through a hyperslab selection.
  void write_selection(std::uint64_t first, std::uint64_t count, const void* data,
                       const Datatype& mem_type);
  /// Rows per chunk when whole chunks may be written raw from data of `mem_type`
  /// (chunked, no filters, a chunk spans whole rows, `mem_type` is the stored type); else 0.
  std::uint64_t raw_chunk_rows(const Datatype& mem_type, const std::vector<std::uint64_t>& d) const;

  // The dataset's layout, read once by raw_chunk_rows().
  mutable std::int64_t chunk_rows_ = -1;  ///< -1 until read; 0 when raw chunks do not apply
  mutable Datatype stored_type_;
  mutable std::vector<std::uint64_t> fixed_dims_;  ///< the dims of a dataset that cannot grow
};

}  // namespace simorch::h5
