#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace simorch::h5 {

/// A dense row-major matrix of doubles read from an HDF5 file.
struct Matrix {
  std::uint64_t rows = 0;
  std::uint64_t cols = 0;
  std::vector<double> values;  ///< rows·cols, element (r, c) at r·cols + c

  double at(std::uint64_t r, std::uint64_t c) const { return values[r * cols + c]; }
};

/// Reads numeric dataset `dataset` ("/initial_states", "x0") of the HDF5 file at `path`
/// as doubles: a 2-D dataset gives its shape, a 1-D dataset of n values gives n × 1.
/// Integer and float datasets are converted. Throws IoError naming the file (is_bad_input
/// when the file is missing, is not HDF5, lacks the dataset, or the dataset is not 1-D/2-D
/// numeric).
Matrix read_matrix(const std::filesystem::path& path, std::string_view dataset);

}  // namespace simorch::h5
