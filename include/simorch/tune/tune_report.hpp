#pragma once

#include <filesystem>
#include <string>

namespace simorch {

/// True when `path` is an HDF5 file written by `simorch tune` (attribute format =
/// "simorch-tune"); false for batch files, other HDF5 files and non-HDF5 files.
bool is_tune_file(const std::filesystem::path& path);

/// The convergence of a tuning file: best cost and its gains per generation, the
/// validation of the final gains. Text, or one JSON object. Throws IoError for a file
/// that is not a tuning file.
std::string format_tune_report(const std::filesystem::path& path, bool is_json);

}  // namespace simorch
