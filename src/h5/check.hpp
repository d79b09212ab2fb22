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

/// The messages of HDF5's error stack, outermost first.
struct ErrorStack {
  std::vector<std::string> messages;
};

/// Takes HDF5's current error stack and clears it. Must run before any other HDF5 call:
/// every API call starts by clearing the stack (so building an operation text with
/// Object::name() first would lose the reason).
ErrorStack capture_stack() noexcept;

/// Throws IoError{file, operation, <stack summary>}. `bad_input` marks failures caused
/// by the file the user gave (not HDF5, missing folder, ...); locking and disk-full
/// failures are always runtime failures.
[[noreturn]] void raise(const ErrorStack& stack, const std::string& file,
                        const std::string& operation, bool bad_input);

/// capture_stack() + raise(). `operation` must have been built without HDF5 calls.
[[noreturn]] inline void fail(const std::string& file, const std::string& operation,
                              bool bad_input = false) {
  raise(capture_stack(), file, operation, bad_input);
}

/// capture_stack(), then builds the operation text (which may call HDF5), then raise().
template <class Op>
[[noreturn]] void fail_lazy(const std::string& file, Op&& operation, bool bad_input = false) {
  const ErrorStack stack = capture_stack();
  raise(stack, file, operation(), bad_input);
}

/// Calls silence_error_printing() once per process (cheap afterwards).
void ensure_silenced() noexcept;

/// Returns `id`, or throws when HDF5 returned a negative id. `operation` is a callable
/// returning the description, so the hot path builds no strings.
template <class Op>
hid_t check_id(hid_t id, const std::string& file, Op&& operation, bool bad_input = false) {
  if (id < 0) fail_lazy(file, operation, bad_input);
  return id;
}

/// Throws when an HDF5 call returned a negative status.
template <class Op>
void check(herr_t status, const std::string& file, Op&& operation, bool bad_input = false) {
  if (status < 0) fail_lazy(file, operation, bad_input);
}

/// Throws when an htri_t query failed; returns its truth value otherwise.
template <class Op>
bool check_tri(htri_t value, const std::string& file, Op&& operation) {
  if (value < 0) fail_lazy(file, operation);
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
