#include "simorch/h5/datatype.hpp"

#include <hdf5.h>

#include <bit>
#include <string>

#include "check.hpp"
#include "simorch/error.hpp"

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

Datatype native_integer_type(std::size_t size, bool is_signed) {
  // H5T_NATIVE_* are run-time values (reading one opens the library): no static table.
  const hid_t signed_types[] = {H5T_NATIVE_INT8, H5T_NATIVE_INT16, H5T_NATIVE_INT32,
                                H5T_NATIVE_INT64};
  const hid_t unsigned_types[] = {H5T_NATIVE_UINT8, H5T_NATIVE_UINT16, H5T_NATIVE_UINT32,
                                  H5T_NATIVE_UINT64};
  const auto index = static_cast<std::size_t>(std::countr_zero(size));  // 1, 2, 4, 8 → 0 … 3
  if (!std::has_single_bit(size) || index > 3) {
    throw IoError("", "make integer type",
                  "no native integer of " + std::to_string(size) + " bytes");
  }
  return copy_of(is_signed ? signed_types[index] : unsigned_types[index]);
}

Datatype native_float_type(std::size_t size) {
  if (size != sizeof(float) && size != sizeof(double)) {
    throw IoError("", "make float type", "no native float of " + std::to_string(size) + " bytes");
  }
  return copy_of(size == sizeof(float) ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE);
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
