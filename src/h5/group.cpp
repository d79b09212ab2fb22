#include "simorch/h5/group.hpp"

#include <hdf5.h>

#include <string>

#include "check.hpp"

namespace simorch::h5 {
namespace {

herr_t collect_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

}  // namespace

Group Group::create_group(std::string_view name) const {
  const std::string n(name);
  return Group(detail::check_id(H5Gcreate2(id(), n.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                file(), [&] { return "create group " + n; }),
               file());
}

Group Group::open_group(std::string_view path) const {
  const std::string p(path);
  return Group(
      detail::check_id(
          H5Gopen2(id(), p.c_str(), H5P_DEFAULT), file(), [&] { return "open group " + p; }, true),
      file());
}

Dataset Group::open_dataset(std::string_view path, std::size_t chunk_cache_bytes) const {
  const std::string p(path);
  detail::PropList dapl(H5P_DATASET_ACCESS);
  if (chunk_cache_bytes > 0) {
    detail::check(H5Pset_chunk_cache(dapl.id(), 1009, chunk_cache_bytes, 1.0), file(),
                  [] { return "set chunk cache"; });
  }
  return Dataset(
      detail::check_id(
          H5Dopen2(id(), p.c_str(), dapl.id()), file(), [&] { return "open dataset " + p; }, true),
      file());
}

Dataset Group::create_dataset(std::string_view name, const Datatype& type,
                              const std::vector<std::uint64_t>& dims,
                              const DatasetOptions& options) const {
  const std::string n(name);
  auto op = [&] { return "create dataset " + n; };
  detail::PropList lcpl(H5P_LINK_CREATE);
  detail::check(H5Pset_create_intermediate_group(lcpl.id(), 1), file(), op);
  detail::PropList dcpl(H5P_DATASET_CREATE);
  if (!options.chunk.empty()) {
    detail::check(H5Pset_chunk(dcpl.id(), static_cast<int>(options.chunk.size()),
                               detail::to_hsize(options.chunk).data()),
                  file(), op);
  }
  if (!options.fill_value.empty()) {
    detail::check(H5Pset_fill_value(dcpl.id(), options.fill_type.id(), options.fill_value.data()),
                  file(), op);
  }
  detail::PropList dapl(H5P_DATASET_ACCESS);
  if (options.chunk_cache_bytes > 0) {
    // w0 = 1: fully written chunks leave the cache first, which suits streaming writes.
    detail::check(H5Pset_chunk_cache(dapl.id(), 1009, options.chunk_cache_bytes, 1.0), file(), op);
  }
  const auto space = Dataspace::simple(dims, options.max_dims);
  return Dataset(detail::check_id(H5Dcreate2(id(), n.c_str(), type.id(), space.id(), lcpl.id(),
                                             dcpl.id(), dapl.id()),
                                  file(), op),
                 file());
}

bool Group::exists(std::string_view path) const {
  std::string prefix;
  std::size_t pos = 0;
  if (!path.empty() && path.front() == '/') {
    prefix = "/";
    pos = 1;
  }
  while (pos < path.size()) {
    const std::size_t next = std::min(path.find('/', pos), path.size());
    if (next > pos) {
      if (!prefix.empty() && prefix.back() != '/') {
        prefix += '/';
      }
      prefix.append(path.substr(pos, next - pos));
      const htri_t found = H5Lexists(id(), prefix.c_str(), H5P_DEFAULT);
      if (found <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return false;
      }
    }
    pos = next + 1;
  }
  return true;
}

std::vector<std::string> Group::child_names() const {
  std::vector<std::string> names;
  detail::check(H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names), file(),
                [&] { return "list group " + name(); });
  return names;
}

}  // namespace simorch::h5
