#pragma once

#include <cstdint>
#include <string>

namespace simorch::h5 {

/// An HDF5 identifier (hid_t of HDF5 1.10, which is int64_t). Public headers of this
/// module never include <hdf5.h>, so code that only reads or writes batch files does
/// not inherit HDF5's macros; the .cpp files check that the types agree.
using Id = std::int64_t;

/// RAII owner of one HDF5 identifier (file, group, dataset, dataspace, datatype,
/// attribute, property list) plus the name of the file it belongs to, for error messages.
///
/// Copying shares the identifier (HDF5 reference count, like HighFive); destruction
/// releases it. Every wrapper in simorch::h5 throws simorch::IoError{file, operation,
/// detail} when an HDF5 call fails; HDF5's automatic error printing to stderr is off.
/// Not thread-safe: HDF5 is used from one thread per process (design.md).
class Object {
 public:
  Object() = default;
  /// Takes ownership of `id` (a valid identifier, or a negative one for "empty").
  Object(Id id, std::string file) noexcept : id_(id), file_(std::move(file)) {}
  Object(const Object& other);
  Object& operator=(const Object& other);
  Object(Object&& other) noexcept;
  Object& operator=(Object&& other) noexcept;
  virtual ~Object();

  /// The raw identifier, for the few places that call the C API directly (src/h5).
  Id id() const noexcept { return id_; }
  /// The file this object belongs to ("" for memory-only objects such as datatypes).
  const std::string& file() const noexcept { return file_; }
  /// True when this wrapper holds an identifier.
  bool is_valid() const noexcept { return id_ >= 0; }
  /// Path of the object inside its file ("/results/status"), or "" when it has none.
  std::string name() const;

 protected:
  /// Releases the identifier now and throws IoError when HDF5 reports a failure
  /// (used by File::close, where a failed close means lost data).
  void release_checked(const char* operation);

 private:
  void release() noexcept;

  Id id_ = -1;
  std::string file_;
};

}  // namespace simorch::h5
