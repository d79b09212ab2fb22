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

namespace {

/// The current (or, with is_max, the maximum) dimensions of `space`.
std::vector<std::uint64_t> extent(const Dataspace& space, bool is_max) {
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0) {
    detail::fail(space.file(), "get dataspace rank");
  }
  std::vector<hsize_t> out(static_cast<std::size_t>(rank));
  if (rank > 0) {
    detail::check(H5Sget_simple_extent_dims(space.id(), is_max ? nullptr : out.data(),
                                            is_max ? out.data() : nullptr),
                  space.file(),
                  [&] { return is_max ? "get dataspace max dims" : "get dataspace dims"; });
  }
  return detail::from_hsize(out);
}

}  // namespace

std::vector<std::uint64_t> Dataspace::dims() const {
  return extent(*this, false);
}

std::vector<std::uint64_t> Dataspace::max_dims() const {
  return extent(*this, true);
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
