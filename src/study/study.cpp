#include "simorch/study/study.hpp"

#include <algorithm>

namespace simorch {

bool ParameterUncertainty::is_active() const noexcept {
  return std::any_of(fraction.begin(), fraction.end(), [](double f) { return f > 0.0; });
}

std::uint64_t Study::num_tasks() const noexcept {
  // parse_study() sets num_samples to the file's row count when samples is not given.
  return monte_carlo.num_samples;
}

}  // namespace simorch
