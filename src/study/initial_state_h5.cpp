#include <cmath>
#include <string>

#include "simorch/error.hpp"
#include "simorch/h5/matrix.hpp"
#include "study_sections.hpp"

namespace simorch::study_detail {

std::vector<State> read_initial_states_h5(const std::filesystem::path& file,
                                          const std::string& dataset) {
  constexpr const char* operation = "reading monte_carlo.initial_state.file";
  if (!std::filesystem::exists(file)) {
    throw IoError(file.string(), operation, "no such file", /*is_bad_input=*/true);
  }
  const h5::Matrix matrix = h5::read_matrix(file, dataset);
  if (matrix.cols != 6 || matrix.rows == 0) {
    throw IoError(file.string(), operation,
                  "dataset '" + dataset + "' has shape [" + std::to_string(matrix.rows) + ", " +
                      std::to_string(matrix.cols) + "]; expected [N, 6] with N >= 1",
                  /*is_bad_input=*/true);
  }
  std::vector<State> states(matrix.rows);
  for (std::uint64_t r = 0; r < matrix.rows; ++r) {
    for (std::uint64_t c = 0; c < 6; ++c) {
      const double value = matrix.at(r, c);
      if (!std::isfinite(value)) {
        throw IoError(
            file.string(), operation,
            "dataset '" + dataset + "' row " + std::to_string(r) + " holds a non-finite value",
            /*is_bad_input=*/true);
      }
      states[r](static_cast<Eigen::Index>(c)) = value;
    }
  }
  return states;
}

}  // namespace simorch::study_detail
