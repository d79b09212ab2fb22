#pragma once

#include <filesystem>

#include "simorch/h5/group.hpp"

namespace simorch::h5 {

/// How File::open opens a file.
enum class FileAccess { read_only, read_write };

/// An HDF5 file; as a Group it is the root group "/".
///
/// Files use the HDF5 1.8 format (readable by any h5py/h5dump of the last decade, and
/// large attributes go to dense storage). HDF5 locks the file while it is open; where
/// the file system refuses locks (NFS, Lustre) the IoError says to set
/// HDF5_USE_FILE_LOCKING=FALSE, which HDF5 1.10.8 honours.
/// ```
/// auto file = h5::File::open("batch.h5", h5::FileAccess::read_only);
/// auto n = h5::read_attribute<std::uint64_t>(file, "n_tasks");
/// ```
class File : public Group {
 public:
  File() = default;
  /// Creates a new file; `overwrite` false fails when `path` exists.
  static File create(const std::filesystem::path& path, bool overwrite = false);
  /// Opens an existing file. A file that is not HDF5 throws IoError with is_bad_input().
  static File open(const std::filesystem::path& path, FileAccess access);

  /// Writes every cached change to the file (H5Fflush).
  void flush() const;
  /// Closes the file now, throwing IoError if HDF5 fails to write it out; the destructor
  /// closes too but cannot report failures. Objects opened from the file must be
  /// released first.
  void close();

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  File(Id id, const std::filesystem::path& path);
  std::filesystem::path path_;
};

/// True when `path` exists and starts with an HDF5 signature (H5Fis_hdf5); never throws.
bool is_hdf5(const std::filesystem::path& path) noexcept;

}  // namespace simorch::h5
