#include "simorch/sim/sim_config.hpp"

#include <cmath>

namespace simorch {

std::int64_t SimConfig::num_steps() const noexcept {
  // Rounded, not truncated: 10 / 0.01 is 999.9999999999999 in floating point.
  if (!(dt > 0.0) || !(duration >= 0.0) || !std::isfinite(duration / dt)) return 0;
  return std::llround(duration / dt);
}

std::int64_t SimConfig::num_samples() const noexcept {
  if (save_every <= 0) return 0;
  return num_steps() / save_every + 1;
}

}  // namespace simorch
