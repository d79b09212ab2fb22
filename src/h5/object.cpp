#include "simorch/h5/object.hpp"

#include <hdf5.h>

#include <utility>

#include "check.hpp"

namespace simorch::h5 {

Object::Object(const Object& other) : id_(other.id_), file_(other.file_) {
  if (id_ >= 0) detail::check(H5Iinc_ref(id_), file_, [] { return "share HDF5 object"; });
}

Object& Object::operator=(const Object& other) {
  if (this != &other) {
    Object copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Object::Object(Object&& other) noexcept
    : id_(std::exchange(other.id_, -1)), file_(std::move(other.file_)) {}

Object& Object::operator=(Object&& other) noexcept {
  if (this != &other) {
    release();
    id_ = std::exchange(other.id_, -1);
    file_ = std::move(other.file_);
  }
  return *this;
}

Object::~Object() {
  release();
}

void Object::release() noexcept {
  if (id_ >= 0) {
    // A destructor cannot report; File::close() is the checked path for data that matters.
    H5Idec_ref(id_);
    H5Eclear2(H5E_DEFAULT);
    id_ = -1;
  }
}

void Object::release_checked(const char* operation) {
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, -1);
  const herr_t status = H5Idec_ref(id);
  detail::check(status, file_, [&] { return std::string(operation); });
}

std::string Object::name() const {
  if (id_ < 0) return {};
  const ssize_t size = H5Iget_name(id_, nullptr, 0);
  if (size <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return {};
  }
  std::string out(static_cast<std::size_t>(size) + 1, '\0');
  H5Iget_name(id_, out.data(), out.size());
  out.resize(static_cast<std::size_t>(size));
  return out;
}

}  // namespace simorch::h5
