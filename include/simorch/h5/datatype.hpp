#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "simorch/h5/object.hpp"

namespace simorch::h5 {

/// An HDF5 datatype: a native number, a string, or a compound (struct).
class Datatype : public Object {
 public:
  using Object::Object;
  /// Size of one element in bytes (H5Tget_size).
  std::size_t size() const;
  /// True for string types, fixed-length or variable-length.
  bool is_string() const;
  /// True for variable-length strings (read into char*, written from const char*).
  bool is_variable_string() const;
  /// True for compound types.
  bool is_compound() const;
};

/// The native HDF5 integer of `size` bytes (1, 2, 4 or 8), signed or not.
Datatype native_integer_type(std::size_t size, bool is_signed);
/// The native HDF5 floating-point number of `size` bytes (4 or 8).
Datatype native_float_type(std::size_t size);

/// The native HDF5 type of C++ number type T: the float of its size, or the integer of its
/// size and signedness. Example: `dataset.read_rows(0, n, buffer.data(), native_type<double>())`.
template <class T>
requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) Datatype native_type() {
  if constexpr (std::is_floating_point_v<T>) {
    return native_float_type(sizeof(T));
  } else {
    return native_integer_type(sizeof(T), std::is_signed_v<T>);
  }
}

/// A NUL-padded fixed-length string of `size` bytes (C `char[size]`, h5py bytes).
Datatype fixed_string_type(std::size_t size);
/// A variable-length UTF-8 string (C `char*`, h5py str). Used for attributes.
Datatype variable_string_type();

/// Builds a compound type member by member, e.g. to read a table into a C++ struct:
/// ```
/// struct Row { std::int32_t rank; double wall_s; };
/// auto type = CompoundBuilder(sizeof(Row))
///                 .add("rank", offsetof(Row, rank), native_type<std::int32_t>())
///                 .add("wall_s", offsetof(Row, wall_s), native_type<double>())
///                 .build();
/// std::vector<Row> rows(dataset.dims()[0]);
/// dataset.read_rows(0, rows.size(), rows.data(), type);
/// ```
/// HDF5 matches members by name and converts types, so a reader may declare only the
/// members it needs, in any order.
class CompoundBuilder {
 public:
  /// A compound of `size` bytes (sizeof the C++ struct).
  explicit CompoundBuilder(std::size_t size);
  /// Adds member `name` at byte `offset` with type `type`.
  CompoundBuilder& add(std::string_view name, std::size_t offset, const Datatype& type);
  /// The finished type (the builder is empty afterwards).
  Datatype build();

 private:
  Datatype type_;
};

}  // namespace simorch::h5
