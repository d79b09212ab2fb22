#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "simorch/h5/object.hpp"

namespace simorch::h5 {

/// Extent of a dimension that can grow without limit (H5S_UNLIMITED).
inline constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();

/// Dimensions of a dataset or attribute, with an optional hyperslab selection.
class Dataspace : public Object {
 public:
  using Object::Object;
  /// A scalar (one element) space.
  static Dataspace scalar();
  /// A simple space of `dims`; `max_dims` empty means fixed size (= dims). Use
  /// h5::unlimited for a dimension that can grow.
  static Dataspace simple(const std::vector<std::uint64_t>& dims,
                          const std::vector<std::uint64_t>& max_dims = {});

  /// Current dimensions (empty for a scalar).
  std::vector<std::uint64_t> dims() const;
  /// Maximum dimensions (h5::unlimited where unlimited).
  std::vector<std::uint64_t> max_dims() const;
  /// Number of elements in the whole space.
  std::uint64_t num_elements() const;
  /// Selects the block starting at `start` with `count` elements along each dimension.
  void select_hyperslab(const std::vector<std::uint64_t>& start,
                        const std::vector<std::uint64_t>& count);
};

}  // namespace simorch::h5
