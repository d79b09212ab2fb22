#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "simorch/h5/dataset.hpp"
#include "simorch/h5/datatype.hpp"
#include "simorch/h5/object.hpp"

namespace simorch::h5 {

/// A group (a folder of datasets and groups). Paths are relative to the group, or
/// absolute from the file root ("/results/status").
class Group : public Object {
 public:
  using Object::Object;

  /// Creates child group `name` (fails if it exists).
  Group create_group(std::string_view name) const;
  /// Opens an existing group.
  Group open_group(std::string_view path) const;
  /// Opens an existing dataset; `chunk_cache_bytes` > 0 sizes its chunk cache (see
  /// DatasetOptions::chunk_cache_bytes).
  Dataset open_dataset(std::string_view path, std::size_t chunk_cache_bytes = 0) const;
  /// Creates a dataset of `type` with `dims` and the layout in `options`.
  Dataset create_dataset(std::string_view name, const Datatype& type,
                         const std::vector<std::uint64_t>& dims,
                         const DatasetOptions& options = {}) const;
  /// True when every component of `path` exists (no error for a missing parent).
  bool exists(std::string_view path) const;
  /// Names of the direct children, in name order.
  std::vector<std::string> child_names() const;
};

}  // namespace simorch::h5
