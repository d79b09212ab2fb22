#include "simorch/h5/attribute.hpp"

#include <hdf5.h>

#include <cstring>
#include <string>

#include "check.hpp"

namespace simorch::h5 {
namespace {

// A scoped attribute id with the failing-operation text attached.
class OpenAttribute {
 public:
  OpenAttribute(const Object& target, const std::string& name)
      : target_(target),
        id_(detail::check_id(H5Aopen(target.id(), name.c_str(), H5P_DEFAULT), target.file(),
                             [&] { return "open attribute '" + name + "' of " + where(); })) {}
  ~OpenAttribute() { H5Aclose(id_); }
  OpenAttribute(const OpenAttribute&) = delete;
  OpenAttribute& operator=(const OpenAttribute&) = delete;

  hid_t id() const noexcept { return id_; }
  std::string where() const {
    auto n = target_.name();
    return n.empty() ? std::string("file") : n;
  }
  Datatype type() const {
    return Datatype(
        detail::check_id(H5Aget_type(id_), target_.file(), [] { return "get attribute type"; }),
        target_.file());
  }
  Dataspace space() const {
    return Dataspace(
        detail::check_id(H5Aget_space(id_), target_.file(), [] { return "get attribute space"; }),
        target_.file());
  }

 private:
  const Object& target_;
  hid_t id_;
};

std::string trim_nul(const char* data, std::size_t size) {
  return std::string(data, strnlen(data, size));
}

std::vector<std::string> read_strings_of(const OpenAttribute& attr, std::uint64_t count,
                                         const std::string& file) {
  const auto type = attr.type();
  std::vector<std::string> out;
  out.reserve(count);
  if (type.is_variable_string()) {
    std::vector<char*> ptrs(count, nullptr);
    const auto mem = variable_string_type();
    detail::check(H5Aread(attr.id(), mem.id(), ptrs.data()), file,
                  [] { return "read string attribute"; });
    for (char* p : ptrs) {
      out.emplace_back(p == nullptr ? "" : p);
    }
    const auto space = attr.space();
    H5Dvlen_reclaim(mem.id(), space.id(), H5P_DEFAULT, ptrs.data());
  } else if (type.is_string()) {
    const std::size_t size = type.size();
    std::vector<char> buffer(count * size);
    detail::check(H5Aread(attr.id(), type.id(), buffer.data()), file,
                  [] { return "read string attribute"; });
    for (std::uint64_t i = 0; i < count; ++i) {
      out.push_back(trim_nul(&buffer[i * size], size));
    }
  } else {
    throw IoError(file, "read attribute of " + attr.where(), "not a string attribute", true);
  }
  return out;
}

}  // namespace

bool has_attribute(const Object& target, std::string_view name) {
  const std::string n(name);
  return detail::check_tri(H5Aexists(target.id(), n.c_str()), target.file(),
                           [&] { return "look up attribute '" + n + "'"; });
}

void delete_attribute(const Object& target, std::string_view name) {
  if (!has_attribute(target, name)) {
    return;
  }
  const std::string n(name);
  detail::check(H5Adelete(target.id(), n.c_str()), target.file(),
                [&] { return "delete attribute '" + n + "'"; });
}

void write_attribute_raw(const Object& target, std::string_view name, const void* data,
                         const Datatype& type, const Dataspace& space) {
  const std::string n(name);
  if (has_attribute(target, name)) {
    OpenAttribute attr(target, n);
    const auto stored_type = attr.type();
    const auto stored_space = attr.space();
    const htri_t same_type = H5Tequal(stored_type.id(), type.id());
    const htri_t same_space = H5Sextent_equal(stored_space.id(), space.id());
    if (same_type > 0 && same_space > 0) {
      // Rewritten in place (run_state, tasks_done at every checkpoint): no moment without
      // the attribute, and no object-header churn.
      detail::check(H5Awrite(attr.id(), type.id(), data), target.file(),
                    [&] { return "write attribute '" + n + "'"; });
      return;
    }
    H5Eclear2(H5E_DEFAULT);
  }
  // Replacing lets the type or size change.
  delete_attribute(target, name);
  const hid_t attr = detail::check_id(
      H5Acreate2(target.id(), n.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
      target.file(), [&] { return "create attribute '" + n + "'"; });
  const herr_t status = H5Awrite(attr, type.id(), data);
  if (status < 0) {
    detail::fail_lazy(target.file(), [&] {
      H5Aclose(attr);
      return "write attribute '" + n + "'";
    });
  }
  H5Aclose(attr);
}

void read_attribute_raw(const Object& target, std::string_view name, void* data,
                        const Datatype& mem_type) {
  const std::string n(name);
  OpenAttribute attr(target, n);
  detail::check(H5Aread(attr.id(), mem_type.id(), data), target.file(),
                [&] { return "read attribute '" + n + "' of " + attr.where(); });
}

void write_attribute(const Object& target, std::string_view name, std::string_view value) {
  const std::string copy(value);
  const char* ptr = copy.c_str();
  write_attribute_raw(target, name, &ptr, variable_string_type(), Dataspace::scalar());
}

void write_attribute(const Object& target, std::string_view name,
                     const std::vector<std::string>& values) {
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) {
    ptrs.push_back(v.c_str());
  }
  write_attribute_raw(target, name, ptrs.data(), variable_string_type(),
                      Dataspace::simple({values.size()}));
}

std::string read_string_attribute(const Object& target, std::string_view name) {
  OpenAttribute attr(target, std::string(name));
  auto values = read_strings_of(attr, 1, target.file());
  return values.front();
}

std::vector<std::string> read_string_array_attribute(const Object& target, std::string_view name) {
  OpenAttribute attr(target, std::string(name));
  return read_strings_of(attr, attr.space().num_elements(), target.file());
}

}  // namespace simorch::h5
