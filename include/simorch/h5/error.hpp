#pragma once

#include <string>

#include "simorch/error.hpp"

namespace simorch::h5 {

/// How the wrappers report HDF5 failures.
///
/// Every failing HDF5 call becomes a simorch::IoError whose file() is the HDF5 file and
/// whose operation() says what was attempted ("open dataset /results/status"). The detail
/// is the outermost and innermost messages of HDF5's error stack ("unable to open file:
/// file signature not found"), with two translations users can act on:
///  - a file-locking failure (another process holds the file, or NFS/Lustre without
///    locks) names HDF5_USE_FILE_LOCKING=FALSE;
///  - errno ENOSPC while writing says "disk full".
/// HDF5's automatic printing of its error stack to stderr is switched off the first time
/// any wrapper is used (call silence_error_printing() to do it earlier).

/// Turns HDF5's automatic error-stack printing off for this process. Idempotent.
void silence_error_printing() noexcept;

/// True when `error` came from HDF5 refusing a file lock (its message carries the hint).
bool is_locking_error(const IoError& error) noexcept;

/// True when `error` came from a full disk (errno ENOSPC).
bool is_disk_full_error(const IoError& error) noexcept;

}  // namespace simorch::h5
