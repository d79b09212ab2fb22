#pragma once

// Private to src/h5: turning HDF5 return codes into simorch::IoError.

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "simorch/error.hpp"
#include "simorch/h5/object.hpp"

namespace simorch::h5::detail {

static_assert(std::is_same_v<hid_t, Id>, "simorch::h5::Id must be HDF5's hid_t");

/// Throws IoError{file, operation, <HDF5 error stack>} and clears the stack. `bad_input`
/// marks failures caused by the file the user gave (not HDF5, missing folder, ...);
/// locking and disk-full failures are always runtime failures.
[[noreturn]] void fail(const std::string& file, const std::string& operation,
                       bool bad_input = false);

/// Calls silence_error_printing() once per process (cheap afterwards).
void ensure_silenced() noexcept;

/// Returns `id`, or throws when HDF5 returned a negative id. `operation` is a callable
/// returning the description, so the hot path builds no strings.
template <class Op>
hid_t check_id(hid_t id, const std::string& file, Op&& operation, bool bad_input = false) {
  if (id < 0) fail(file, operation(), bad_input);
  return id;
}

/// Throws when an HDF5 call returned a negative status.
template <class Op>
void check(herr_t status, const std::string& file, Op&& operation, bool bad_input = false) {
  if (status < 0) fail(file, operation(), bad_input);
}

/// Throws when an htri_t query failed; returns its truth value otherwise.
template <class Op>
bool check_tri(htri_t value, const std::string& file, Op&& operation) {
  if (value < 0) fail(file, operation());
  return value > 0;
}

/// An owned property list (closed at scope exit).
class PropList {
 public:
  explicit PropList(hid_t cls);
  ~PropList();
  PropList(const PropList&) = delete;
  PropList& operator=(const PropList&) = delete;
  hid_t id() const noexcept { return id_; }

 private:
  hid_t id_;
};

/// hsize_t is `unsigned long long`, std::uint64_t `unsigned long`: same width, other type.
inline std::vector<hsize_t> to_hsize(const std::vector<std::uint64_t>& v) {
  return {v.begin(), v.end()};
}
inline std::vector<std::uint64_t> from_hsize(const std::vector<hsize_t>& v) {
  return {v.begin(), v.end()};
}

inline std::string quote(const std::string& s) {
  return "'" + s + "'";
}

}  // namespace simorch::h5::detail
