#include "simorch/h5/file.hpp"

#include <hdf5.h>

#include <cstdlib>
#include <string>
#include <system_error>

#include "check.hpp"

namespace simorch::h5 {
namespace {

// HDF5 1.8 object headers: dense attribute storage for large attributes (the study text),
// still readable by every HDF5 reader since 2008.
void set_format(hid_t fapl, const std::string& file) {
  detail::check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18), file,
                [] { return "set file format"; });
}

// HDF5 reads HDF5_USE_FILE_LOCKING once, when the library starts; reading it at every
// open makes the variable mean the same thing whenever it is set (and testable).
// Values as HDF5 documents them: FALSE/0 off, BEST_EFFORT on but ignored where the
// file system has no locks, TRUE/1 on.
void set_locking(hid_t fapl, const std::string& file) {
  const char* value = std::getenv("HDF5_USE_FILE_LOCKING");
  if (value == nullptr) {
    return;
  }
  const std::string v(value);
  hbool_t use = 1;
  hbool_t ignore_when_disabled = 0;
  if (v == "FALSE" || v == "0") {
    use = 0;
  } else if (v == "BEST_EFFORT") {
    ignore_when_disabled = 1;
  } else if (v != "TRUE" && v != "1") {
    return;  // HDF5 ignores other values too
  }
  detail::check(H5Pset_file_locking(fapl, use, ignore_when_disabled), file,
                [] { return "set file locking"; });
}

// HDF5's adaptive metadata cache may grow to 32 MiB, and it does as the chunk index of a
// large study grows, so a writer's memory would grow with the number of tasks. The batch
// file's metadata is touched in a streaming pattern: 2 MiB is plenty.
void set_metadata_cache(hid_t fapl, const std::string& file) {
  H5AC_cache_config_t config{};
  config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  detail::check(H5Pget_mdc_config(fapl, &config), file, [] { return "get metadata cache"; });
  config.set_initial_size = true;
  config.initial_size = std::size_t{1} << 20;
  config.min_size = std::size_t{512} << 10;
  config.max_size = std::size_t{2} << 20;
  detail::check(H5Pset_mdc_config(fapl, &config), file, [] { return "set metadata cache"; });
}

}  // namespace

File::File(Id id, const std::filesystem::path& path) : Group(id, path.string()), path_(path) {}

File File::create(const std::filesystem::path& path, bool overwrite) {
  detail::ensure_silenced();
  const std::string name = path.string();
  detail::PropList fapl(H5P_FILE_ACCESS);
  set_format(fapl.id(), name);
  set_locking(fapl.id(), name);
  set_metadata_cache(fapl.id(), name);
  const hid_t id =
      H5Fcreate(name.c_str(), overwrite ? H5F_ACC_TRUNC : H5F_ACC_EXCL, H5P_DEFAULT, fapl.id());
  // A missing or read-only folder, or an existing file, is the user's to fix (bad input).
  detail::check_id(
      id, name, [] { return "create HDF5 file"; }, true);
  return File(id, path);
}

File File::open(const std::filesystem::path& path, FileAccess access) {
  detail::ensure_silenced();
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw IoError(name, "open HDF5 file", "no such file", true);
  }
  detail::PropList fapl(H5P_FILE_ACCESS);
  set_format(fapl.id(), name);
  set_locking(fapl.id(), name);
  set_metadata_cache(fapl.id(), name);
  const hid_t id = H5Fopen(
      name.c_str(), access == FileAccess::read_write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl.id());
  detail::check_id(
      id, name, [] { return "open HDF5 file"; }, true);
  return File(id, path);
}

void File::flush() const {
  detail::check(H5Fflush(id(), H5F_SCOPE_LOCAL), file(), [] { return "flush HDF5 file"; });
}

void File::close() {
  if (!is_valid()) {
    return;
  }
  flush();
  release_checked("close HDF5 file");
}

bool is_hdf5(const std::filesystem::path& path) noexcept {
  detail::ensure_silenced();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return false;
  }
  const htri_t result = H5Fis_hdf5(path.string().c_str());
  if (result < 0) {
    H5Eclear2(H5E_DEFAULT);
  }
  return result > 0;
}

}  // namespace simorch::h5
