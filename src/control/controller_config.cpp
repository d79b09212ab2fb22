#include <array>
#include <charconv>
#include <cmath>
#include <string>

#include "simorch/control/controller.hpp"
#include "simorch/error.hpp"

namespace simorch {
namespace {

std::string format_number(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

std::string join(std::string_view prefix, std::string_view field) {
  std::string key(prefix);
  if (!key.empty()) key += '.';
  key += field;
  return key;
}

/// Names of the gains in config order, for messages (design.md, "Controllers").
std::string_view gain_names(ControllerKind kind) noexcept {
  switch (kind) {
    case ControllerKind::classical_smc:
      return "[k1, k2, lambda1, lambda2, K, kd]";
    case ControllerKind::sta_smc:
      return "[K1, K2, k1, k2, lambda1, lambda2]";
    case ControllerKind::adaptive_smc:
      return "[k1, k2, lambda1, lambda2, gamma]";
    case ControllerKind::lqr:
      return "none (lqr is set by q and r)";
    case ControllerKind::open_loop:
      return "none (open_loop is set by sequence)";
  }
  return "";
}

void require_finite(double value, const std::string& key) {
  if (!std::isfinite(value)) throw ConfigError(key, format_number(value), "a finite number");
}

void require_positive(double value, const std::string& key) {
  require_finite(value, key);
  if (!(value > 0.0)) throw ConfigError(key, format_number(value), "a number > 0");
}

void require_non_negative(double value, const std::string& key) {
  require_finite(value, key);
  if (!(value >= 0.0)) throw ConfigError(key, format_number(value), "a number >= 0");
}

void require_non_zero(double value, const std::string& key) {
  require_finite(value, key);
  if (value == 0.0) {
    throw ConfigError(
        key, format_number(value),
        "a non-zero number (surface weights may be negative, see docs/controllers.md)");
  }
}

enum class GainRule { positive, non_negative, non_zero };

/// Sign each gain must have. Switching, integral and adaptation gains drive σ to 0 and
/// must be positive; the per-link slopes λ of sta/adaptive (σ_i = θ̇i + λiθi) must be
/// positive for each link's error to decay. The weights that mix the two links may have
/// either sign: with absolute angles no all-positive angle-only surface has stable
/// sliding dynamics on the DIP (docs/controllers.md), so positivity would forbid every
/// working surface.
GainRule gain_rule(ControllerKind kind, std::size_t index) noexcept {
  switch (kind) {
    case ControllerKind::classical_smc:  // [k1, k2, λ1, λ2, K, kd]
      if (index < 4) return GainRule::non_zero;
      return index == 4 ? GainRule::positive : GainRule::non_negative;
    case ControllerKind::sta_smc:  // [K1, K2, k1, k2, λ1, λ2]
      return index == 2 || index == 3 ? GainRule::non_zero : GainRule::positive;
    case ControllerKind::adaptive_smc:  // [k1, k2, λ1, λ2, γ]
      return index < 2 ? GainRule::non_zero : GainRule::positive;
    case ControllerKind::lqr:
    case ControllerKind::open_loop:
      break;
  }
  return GainRule::positive;
}

void validate_gains(const ControllerConfig& config, std::string_view prefix) {
  const std::string key = join(prefix, "gains");
  const std::size_t expected = expected_gain_count(config.kind);
  if (config.gains.size() != expected) {
    throw ConfigError(key, "a list of length " + std::to_string(config.gains.size()),
                      std::string(to_string(config.kind)) + " takes exactly " +
                          std::to_string(expected) + " gains " +
                          std::string(gain_names(config.kind)));
  }
  for (std::size_t i = 0; i < expected; ++i) {
    const std::string gain_key = key + "[" + std::to_string(i) + "]";
    switch (gain_rule(config.kind, i)) {
      case GainRule::positive:
        require_positive(config.gains[i], gain_key);
        break;
      case GainRule::non_negative:
        require_non_negative(config.gains[i], gain_key);
        break;
      case GainRule::non_zero:
        require_non_zero(config.gains[i], gain_key);
        break;
    }
  }
}

}  // namespace

std::string_view to_string(ControllerKind kind) noexcept {
  switch (kind) {
    case ControllerKind::classical_smc:
      return "classical_smc";
    case ControllerKind::sta_smc:
      return "sta_smc";
    case ControllerKind::adaptive_smc:
      return "adaptive_smc";
    case ControllerKind::lqr:
      return "lqr";
    case ControllerKind::open_loop:
      return "open_loop";
  }
  return "unknown";
}

std::size_t expected_gain_count(ControllerKind kind) noexcept {
  switch (kind) {
    case ControllerKind::classical_smc:
    case ControllerKind::sta_smc:
      return 6;
    case ControllerKind::adaptive_smc:
      return 5;
    case ControllerKind::lqr:
    case ControllerKind::open_loop:
      return 0;
  }
  return 0;
}

void validate(const ControllerConfig& config, std::string_view key_prefix) {
  validate_gains(config, key_prefix);
  require_positive(config.max_force, join(key_prefix, "max_force"));

  switch (config.kind) {
    case ControllerKind::classical_smc:
      require_positive(config.boundary_layer, join(key_prefix, "boundary_layer"));
      break;
    case ControllerKind::sta_smc:
      require_positive(config.boundary_layer, join(key_prefix, "boundary_layer"));
      require_non_negative(config.damping_gain, join(key_prefix, "damping_gain"));
      break;
    case ControllerKind::adaptive_smc: {
      require_positive(config.boundary_layer, join(key_prefix, "boundary_layer"));
      require_non_negative(config.alpha, join(key_prefix, "alpha"));
      require_non_negative(config.leak_rate, join(key_prefix, "leak_rate"));
      require_non_negative(config.dead_zone, join(key_prefix, "dead_zone"));
      require_positive(config.adapt_rate_limit, join(key_prefix, "adapt_rate_limit"));
      // Key names as in the dip-smc-pso config (K_min, K_max, K_init).
      require_positive(config.k_min, join(key_prefix, "K_min"));
      require_positive(config.k_max, join(key_prefix, "K_max"));
      require_finite(config.k_init, join(key_prefix, "K_init"));
      if (config.k_max < config.k_min) {
        throw ConfigError(join(key_prefix, "K_max"), format_number(config.k_max),
                          "a number >= K_min (" + format_number(config.k_min) + ")");
      }
      if (config.k_init < config.k_min || config.k_init > config.k_max) {
        throw ConfigError(join(key_prefix, "K_init"), format_number(config.k_init),
                          "a number in [K_min, K_max] = [" + format_number(config.k_min) + ", " +
                              format_number(config.k_max) + "]");
      }
      break;
    }
    case ControllerKind::lqr: {
      const std::string q_key = join(key_prefix, "q");
      if (config.q.size() != 6) {
        throw ConfigError(q_key, "a list of length " + std::to_string(config.q.size()),
                          "6 non-negative weights, the diagonal of Q for [x, theta1, theta2, "
                          "x_dot, theta1_dot, theta2_dot]");
      }
      for (std::size_t i = 0; i < config.q.size(); ++i) {
        require_non_negative(config.q[i], q_key + "[" + std::to_string(i) + "]");
      }
      require_positive(config.r, join(key_prefix, "r"));
      break;
    }
    case ControllerKind::open_loop: {
      const std::string key = join(key_prefix, "sequence");
      for (std::size_t i = 0; i < config.sequence.size(); ++i) {
        require_finite(config.sequence[i], key + "[" + std::to_string(i) + "]");
      }
      break;
    }
  }
}

}  // namespace simorch
