#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "simorch/h5/dataspace.hpp"
#include "simorch/h5/datatype.hpp"
#include "simorch/h5/object.hpp"

namespace simorch::h5 {

/// Attributes of a file, group or dataset. Writing replaces an existing attribute of the
/// same name (its type or size may change). Strings are written as variable-length UTF-8
/// (h5py reads them as str); reading accepts fixed-length strings too.
///
/// Example: `write_attribute(file, "n_tasks", std::uint64_t{1000});`
///          `auto n = read_attribute<std::uint64_t>(file, "n_tasks");`

/// True when `target` has an attribute `name`.
bool has_attribute(const Object& target, std::string_view name);
/// Removes attribute `name` if present.
void delete_attribute(const Object& target, std::string_view name);

/// Writes `count` elements of `type` from `data` with dataspace `space`.
void write_attribute_raw(const Object& target, std::string_view name, const void* data,
                         const Datatype& type, const Dataspace& space);
/// Reads the whole attribute into `data` (enough room for every element) as `mem_type`.
void read_attribute_raw(const Object& target, std::string_view name, void* data,
                        const Datatype& mem_type);

/// Writes a scalar string attribute.
void write_attribute(const Object& target, std::string_view name, std::string_view value);
/// Writes a 1-D array of strings (e.g. column names).
void write_attribute(const Object& target, std::string_view name,
                     const std::vector<std::string>& values);
/// Writes a scalar number attribute.
template <class T>
requires std::is_arithmetic_v<T>
void write_attribute(const Object& target, std::string_view name, T value) {
  write_attribute_raw(target, name, &value, native_type<T>(), Dataspace::scalar());
}

/// Reads a scalar string attribute (fixed or variable length).
std::string read_string_attribute(const Object& target, std::string_view name);
/// Reads a 1-D string array attribute (fixed or variable length).
std::vector<std::string> read_string_array_attribute(const Object& target, std::string_view name);
/// Reads a scalar number attribute, converting from the stored type (HDF5 conversion).
template <class T>
requires std::is_arithmetic_v<T> T read_attribute(const Object& target, std::string_view name) {
  T value{};
  read_attribute_raw(target, name, &value, native_type<T>());
  return value;
}

}  // namespace simorch::h5
