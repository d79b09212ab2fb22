#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>

#include "simorch/control/controller.hpp"
#include "simorch/error.hpp"

namespace simorch {
namespace {

/// Longest MPC horizon: the condensed QP is horizon × horizon and solved every period.
constexpr std::int64_t max_mpc_horizon = 200;

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

/// How many gains each law takes and their names in config order, for messages
/// (design.md, "Controllers").
struct GainLayout {
  ControllerKind kind;
  std::size_t count;
  std::string_view names;
};

constexpr GainLayout gain_layouts[] = {
    {ControllerKind::classical_smc, 6, "[k1, k2, lambda1, lambda2, K, kd]"},
    {ControllerKind::sta_smc, 6, "[K1, K2, k1, k2, lambda1, lambda2]"},
    {ControllerKind::adaptive_smc, 5, "[k1, k2, lambda1, lambda2, gamma]"},
    {ControllerKind::lqr, 0, "none (lqr is set by q and r)"},
    {ControllerKind::open_loop, 0, "none (open_loop is set by sequence)"},
    {ControllerKind::hybrid_adaptive_sta_smc, 4, "[c1, lambda1, c2, lambda2]"},
    {ControllerKind::conditional_hybrid, 4, "[k1, k2, lambda1, lambda2]"},
    {ControllerKind::swing_up_smc, 0, "none (swing_up_smc hands over to stabilizing_controller)"},
    {ControllerKind::mpc_controller, 0,
     "none (mpc_controller is set by horizon, q_x, q_theta, r_u)"},
};

GainLayout gain_layout(ControllerKind kind) noexcept {
  for (const GainLayout& layout : gain_layouts) {
    if (layout.kind == kind) return layout;
  }
  return {kind, 0, ""};
}

std::string_view gain_names(ControllerKind kind) noexcept {
  return gain_layout(kind).names;
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
    case ControllerKind::adaptive_smc:        // [k1, k2, λ1, λ2, γ]
    case ControllerKind::conditional_hybrid:  // [k1, k2, λ1, λ2]
      return index < 2 ? GainRule::non_zero : GainRule::positive;
    case ControllerKind::hybrid_adaptive_sta_smc:  // [c1, λ1, c2, λ2]
      return index % 2 == 0 ? GainRule::non_zero : GainRule::positive;
    case ControllerKind::lqr:
    case ControllerKind::open_loop:
    case ControllerKind::swing_up_smc:
    case ControllerKind::mpc_controller:
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

void require_at_least(double value, double bound, const std::string& key,
                      const std::string& bound_name) {
  require_finite(value, key);
  if (!(value >= bound)) {
    throw ConfigError(key, format_number(value),
                      "a number >= " + bound_name + " (" + format_number(bound) + ")");
  }
}

void require_fraction(double value, const std::string& key) {
  require_finite(value, key);
  if (!(value > 0.0 && value <= 1.0))
    throw ConfigError(key, format_number(value), "a number in (0, 1]");
}

void validate_hybrid(const ControllerConfig& c, std::string_view prefix) {
  require_positive(c.k1_init, join(prefix, "k1_init"));
  require_positive(c.k2_init, join(prefix, "k2_init"));
  require_non_negative(c.gamma1, join(prefix, "gamma1"));
  require_non_negative(c.gamma2, join(prefix, "gamma2"));
  require_non_negative(c.gain_leak, join(prefix, "gain_leak"));
  require_non_negative(c.dead_zone, join(prefix, "dead_zone"));
  require_non_negative(c.damping_gain, join(prefix, "damping_gain"));
  require_positive(c.adapt_rate_limit, join(prefix, "adapt_rate_limit"));
  // The seed's rule: the smooth sign must be at least as wide as the dead zone.
  require_positive(c.sat_soft_width, join(prefix, "sat_soft_width"));
  require_at_least(c.sat_soft_width, c.dead_zone, join(prefix, "sat_soft_width"), "dead_zone");
  require_at_least(c.k_max, std::max(c.k1_init, c.k2_init), join(prefix, "K_max"),
                   "max(k1_init, k2_init)");
}

void validate_conditional(const ControllerConfig& c, std::string_view prefix) {
  require_positive(c.epsilon_min, join(prefix, "epsilon_min"));
  require_non_negative(c.alpha, join(prefix, "alpha"));
  require_non_negative(c.damping_gain, join(prefix, "damping_gain"));
  require_non_negative(c.gamma1, join(prefix, "gamma1"));
  require_non_negative(c.gamma2, join(prefix, "gamma2"));
  require_non_negative(c.leak_rate, join(prefix, "leak_rate"));
  require_non_negative(c.dead_zone, join(prefix, "dead_zone"));
  require_positive(c.adapt_rate_limit, join(prefix, "adapt_rate_limit"));
  require_positive(c.angle_threshold, join(prefix, "angle_threshold"));
  require_positive(c.surface_threshold, join(prefix, "surface_threshold"));
  require_non_negative(c.b_eq_threshold, join(prefix, "B_eq_threshold"));
  require_non_negative(c.w_angle, join(prefix, "w_angle"));
  require_non_negative(c.w_surface, join(prefix, "w_surface"));
  require_non_negative(c.w_singularity, join(prefix, "w_singularity"));
  const double sum = c.w_angle + c.w_surface + c.w_singularity;
  if (std::abs(sum - 1.0) > 1e-9) {
    throw ConfigError(join(prefix, "w_singularity"), format_number(c.w_singularity),
                      "weights w_angle + w_surface + w_singularity summing to 1 (they sum to " +
                          format_number(sum) + ")");
  }
  require_positive(c.k_min, join(prefix, "K_min"));
  require_at_least(c.k_max, c.k_min, join(prefix, "K_max"), "K_min");
  require_at_least(c.k_init, c.k_min, join(prefix, "K_init"), "K_min");
  if (c.k_init > c.k_max) {
    throw ConfigError(join(prefix, "K_init"), format_number(c.k_init),
                      "a number <= K_max (" + format_number(c.k_max) + ")");
  }
}

void validate_swing_up(const ControllerConfig& c, std::string_view prefix) {
  const std::string key = join(prefix, "stabilizing_controller");
  if (!c.stabilizer) {
    throw ConfigError(key, "", "the name of the controller to hand over to near upright");
  }
  if (c.stabilizer->kind == ControllerKind::swing_up_smc ||
      c.stabilizer->kind == ControllerKind::open_loop) {
    throw ConfigError(key, std::string(to_string(c.stabilizer->kind)),
                      "a stabilising controller (not swing_up_smc or open_loop)");
  }
  require_positive(c.energy_gain, join(prefix, "energy_gain"));
  require_fraction(c.switch_energy_factor, join(prefix, "switch_energy_factor"));
  require_fraction(c.exit_energy_factor, join(prefix, "exit_energy_factor"));
  // Hysteresis: leaving must be harder than entering, or the modes chatter.
  if (c.exit_energy_factor > c.switch_energy_factor) {
    throw ConfigError(
        join(prefix, "exit_energy_factor"), format_number(c.exit_energy_factor),
        "a number <= switch_energy_factor (" + format_number(c.switch_energy_factor) + ")");
  }
  require_positive(c.switch_angle_tolerance, join(prefix, "switch_angle_tolerance"));
  require_at_least(c.reentry_angle_tolerance, c.switch_angle_tolerance,
                   join(prefix, "reentry_angle_tolerance"), "switch_angle_tolerance");
  validate(*c.stabilizer, "controllers." + std::string(to_string(c.stabilizer->kind)));
}

}  // namespace

std::size_t expected_gain_count(ControllerKind kind) noexcept {
  return gain_layout(kind).count;
}

ControllerConfig default_config(ControllerKind kind) {
  ControllerConfig config;
  config.kind = kind;
  // The dip-smc-pso defaults of the keys two laws share but read differently.
  if (kind == ControllerKind::hybrid_adaptive_sta_smc) {
    config.damping_gain = 3.0;
    config.adapt_rate_limit = 5.0;
  } else if (kind == ControllerKind::conditional_hybrid) {
    config.gamma1 = 1.0;
    config.gamma2 = 1.0;
    config.alpha = 1.142;  // here the adaptation rate of K
    // Not a seed key here; without a proportional term the thin boundary layer alone
    // did not hold the nominal plant (docs/controllers.md).
    config.damping_gain = 0.5;
  }
  return config;
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
    case ControllerKind::hybrid_adaptive_sta_smc:
      validate_hybrid(config, key_prefix);
      break;
    case ControllerKind::conditional_hybrid:
      validate_conditional(config, key_prefix);
      break;
    case ControllerKind::swing_up_smc:
      validate_swing_up(config, key_prefix);
      break;
    case ControllerKind::mpc_controller:
      if (config.horizon < 1 || config.horizon > max_mpc_horizon) {
        throw ConfigError(join(key_prefix, "horizon"), std::to_string(config.horizon),
                          "an integer in [1, " + std::to_string(max_mpc_horizon) + "]");
      }
      require_positive(config.q_x, join(key_prefix, "q_x"));
      require_positive(config.q_theta, join(key_prefix, "q_theta"));
      require_positive(config.r_u, join(key_prefix, "r_u"));
      break;
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
