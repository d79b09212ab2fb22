#include "simorch/h5/dataspace.hpp"

#include <hdf5.h>

#include "check.hpp"

namespace simorch::h5 {

static_assert(unlimited == H5S_UNLIMITED);

Dataspace Dataspace::scalar() {
  detail::ensure_silenced();
  return Dataspace(
      detail::check_id(H5Screate(H5S_SCALAR), "", [] { return "create scalar dataspace"; }), "");
}

Dataspace Dataspace::simple(const std::vector<std::uint64_t>& dims,
                            const std::vector<std::uint64_t>& max_dims) {
  detail::ensure_silenced();
  const auto rank = static_cast<int>(dims.size());
  const auto d = detail::to_hsize(dims);
  const auto m = detail::to_hsize(max_dims);
  const hsize_t* max = m.empty() ? nullptr : m.data();
  if (!max_dims.empty() && max_dims.size() != dims.size()) {
    throw IoError("", "create dataspace", "max_dims and dims differ in rank");
  }
  return Dataspace(detail::check_id(H5Screate_simple(rank, d.data(), max), "",
                                    [] { return "create dataspace"; }),
                   "");
}

std::vector<std::uint64_t> Dataspace::dims() const {
  const int rank = H5Sget_simple_extent_ndims(id());
  if (rank < 0) {
    detail::fail(file(), "get dataspace rank");
  }
  std::vector<hsize_t> out(static_cast<std::size_t>(rank));
  if (rank > 0) {
    detail::check(H5Sget_simple_extent_dims(id(), out.data(), nullptr), file(),
                  [] { return "get dataspace dims"; });
  }
  return detail::from_hsize(out);
}

std::vector<std::uint64_t> Dataspace::max_dims() const {
  const int rank = H5Sget_simple_extent_ndims(id());
  if (rank < 0) {
    detail::fail(file(), "get dataspace rank");
  }
  std::vector<hsize_t> out(static_cast<std::size_t>(rank));
  if (rank > 0) {
    detail::check(H5Sget_simple_extent_dims(id(), nullptr, out.data()), file(),
                  [] { return "get dataspace max dims"; });
  }
  return detail::from_hsize(out);
}

std::uint64_t Dataspace::num_elements() const {
  const hssize_t n = H5Sget_simple_extent_npoints(id());
  if (n < 0) {
    detail::fail(file(), "count dataspace elements");
  }
  return static_cast<std::uint64_t>(n);
}

void Dataspace::select_hyperslab(const std::vector<std::uint64_t>& start,
                                 const std::vector<std::uint64_t>& count) {
  const auto s = detail::to_hsize(start);
  const auto c = detail::to_hsize(count);
  detail::check(H5Sselect_hyperslab(id(), H5S_SELECT_SET, s.data(), nullptr, c.data(), nullptr),
                file(), [] { return "select hyperslab"; });
}

}  // namespace simorch::h5
