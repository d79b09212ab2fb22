#include "simorch/h5/object.hpp"

#include <hdf5.h>

#include <utility>

#include "check.hpp"

namespace simorch::h5 {

Object::Object(const Object& other) : id_(other.id_), file_(other.file_) {
  if (id_ >= 0) {
    detail::check(H5Iinc_ref(id_), file_, [] { return "share HDF5 object"; });
  }
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

namespace {

// The type's own close function, not H5Idec_ref: when closing fails (a dataset whose
// cached chunks cannot be written to a full disk), H5Idec_ref keeps the identifier alive,
// and HDF5 tries to close it again at exit after its file is gone (a crash), while
// H5Dclose and friends always drop the identifier. Shared copies (H5Iinc_ref) only lose
// one reference either way.
herr_t close_id(hid_t id) noexcept {
  struct Closer {
    H5I_type_t type;
    herr_t (*close)(hid_t);
  };
  const Closer closers[] = {{H5I_FILE, &H5Fclose},       {H5I_GROUP, &H5Gclose},
                            {H5I_DATASET, &H5Dclose},    {H5I_DATASPACE, &H5Sclose},
                            {H5I_DATATYPE, &H5Tclose},   {H5I_ATTR, &H5Aclose},
                            {H5I_GENPROP_LST, &H5Pclose}};
  const H5I_type_t type = H5Iget_type(id);
  for (const Closer& closer : closers) {
    if (closer.type == type) return closer.close(id);
  }
  return H5Idec_ref(id);
}

}  // namespace

void Object::release() noexcept {
  if (id_ >= 0) {
    // A destructor cannot report; File::close() is the checked path for data that matters.
    close_id(id_);
    H5Eclear2(H5E_DEFAULT);
    id_ = -1;
  }
}

void Object::release_checked(const char* operation) {
  if (id_ < 0) {
    return;
  }
  const hid_t id = std::exchange(id_, -1);
  const herr_t status = close_id(id);
  detail::check(status, file_, [&] { return std::string(operation); });
}

std::string Object::name() const {
  if (id_ < 0) {
    return {};
  }
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
