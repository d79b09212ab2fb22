#include "simorch/h5/datatype.hpp"

#include <hdf5.h>

#include <string>

#include "check.hpp"

namespace simorch::h5 {
namespace {

Datatype copy_of(hid_t predefined) {
  detail::ensure_silenced();
  return Datatype(detail::check_id(H5Tcopy(predefined), "", [] { return "copy datatype"; }), "");
}

}  // namespace

std::size_t Datatype::size() const {
  const std::size_t size = H5Tget_size(id());
  if (size == 0) {
    detail::fail(file(), "get datatype size");
  }
  return size;
}

bool Datatype::is_string() const {
  return H5Tget_class(id()) == H5T_STRING;
}

bool Datatype::is_variable_string() const {
  return is_string() &&
         detail::check_tri(H5Tis_variable_str(id()), file(), [] { return "query string type"; });
}

bool Datatype::is_compound() const {
  return H5Tget_class(id()) == H5T_COMPOUND;
}

template <>
Datatype native_type<double>() {
  return copy_of(H5T_NATIVE_DOUBLE);
}
template <>
Datatype native_type<float>() {
  return copy_of(H5T_NATIVE_FLOAT);
}
template <>
Datatype native_type<std::int8_t>() {
  return copy_of(H5T_NATIVE_INT8);
}
template <>
Datatype native_type<std::uint8_t>() {
  return copy_of(H5T_NATIVE_UINT8);
}
template <>
Datatype native_type<std::int16_t>() {
  return copy_of(H5T_NATIVE_INT16);
}
template <>
Datatype native_type<std::uint16_t>() {
  return copy_of(H5T_NATIVE_UINT16);
}
template <>
Datatype native_type<std::int32_t>() {
  return copy_of(H5T_NATIVE_INT32);
}
template <>
Datatype native_type<std::uint32_t>() {
  return copy_of(H5T_NATIVE_UINT32);
}
template <>
Datatype native_type<std::int64_t>() {
  return copy_of(H5T_NATIVE_INT64);
}
template <>
Datatype native_type<std::uint64_t>() {
  return copy_of(H5T_NATIVE_UINT64);
}
template <>
Datatype native_type<char>() {
  return copy_of(H5T_NATIVE_CHAR);
}

Datatype fixed_string_type(std::size_t size) {
  auto type = copy_of(H5T_C_S1);
  detail::check(H5Tset_size(type.id(), size), "",
                [&] { return "make string type of " + std::to_string(size) + " bytes"; });
  detail::check(H5Tset_strpad(type.id(), H5T_STR_NULLPAD), "", [] { return "set string pad"; });
  return type;
}

Datatype variable_string_type() {
  auto type = copy_of(H5T_C_S1);
  detail::check(H5Tset_size(type.id(), H5T_VARIABLE), "", [] { return "make string type"; });
  detail::check(H5Tset_cset(type.id(), H5T_CSET_UTF8), "", [] { return "set UTF-8"; });
  return type;
}

CompoundBuilder::CompoundBuilder(std::size_t size) {
  detail::ensure_silenced();
  type_ = Datatype(
      detail::check_id(H5Tcreate(H5T_COMPOUND, size), "", [] { return "create compound type"; }),
      "");
}

CompoundBuilder& CompoundBuilder::add(std::string_view name, std::size_t offset,
                                      const Datatype& type) {
  const std::string member(name);
  detail::check(H5Tinsert(type_.id(), member.c_str(), offset, type.id()), "",
                [&] { return "add compound member '" + member + "'"; });
  return *this;
}

Datatype CompoundBuilder::build() {
  return std::move(type_);
}

}  // namespace simorch::h5
