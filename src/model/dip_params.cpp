#include "simorch/model/dip_params.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "simorch/error.hpp"

namespace simorch {
namespace {

/// Shortest text that reads back to the same double, so the message shows the exact value.
std::string format_value(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string key_of(std::string_view prefix, std::size_t index) {
  std::string key(prefix);
  if (!key.empty()) key += '.';
  key += DipParams::names[index];
  return key;
}

/// What each parameter may be; the centres of mass are checked separately because their
/// range depends on the link length.
enum class Rule { positive, non_negative, centre_of_mass };

Rule rule_of(std::size_t index) noexcept {
  const std::string_view name = DipParams::names[index];
  if (name == "pendulum1_com" || name == "pendulum2_com") return Rule::centre_of_mass;
  if (name == "gravity" || name.ends_with("friction")) return Rule::non_negative;
  return Rule::positive;
}

const char* unit_of(std::string_view name) noexcept {
  if (name.ends_with("mass")) return " [kg]";
  if (name.ends_with("length") || name.ends_with("com")) return " [m]";
  if (name.ends_with("inertia")) return " [kg·m²]";
  if (name == "gravity") return " [m/s²]";
  if (name == "cart_friction") return " [N·s/m]";
  return " [N·m·s/rad]";
}

}  // namespace

void validate(const DipParams& params, std::string_view key_prefix) {
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    const double value = params.at(i);
    const std::string_view name = DipParams::names[i];
    const std::string unit = unit_of(name);
    if (!std::isfinite(value)) {
      throw ConfigError(key_of(key_prefix, i), format_value(value),
                        "must be a finite number" + unit);
    }
    switch (rule_of(i)) {
      case Rule::positive:
        if (!(value > 0.0)) {
          throw ConfigError(key_of(key_prefix, i), format_value(value), "must be > 0" + unit);
        }
        break;
      case Rule::non_negative:
        if (!(value >= 0.0)) {
          throw ConfigError(key_of(key_prefix, i), format_value(value), "must be >= 0" + unit);
        }
        break;
      case Rule::centre_of_mass: {
        // The centre of mass lies on its link: (0, length]. The link's length is checked
        // first (it precedes the com in names order) so the bound below is meaningful.
        const bool first = name == "pendulum1_com";
        const double length = first ? params.pendulum1_length : params.pendulum2_length;
        if (!(value > 0.0 && value <= length)) {
          throw ConfigError(key_of(key_prefix, i), format_value(value),
                            std::string("must be in (0, ") +
                                (first ? "pendulum1_length" : "pendulum2_length") + " = " +
                                format_value(length) + "]" + unit);
        }
        break;
      }
    }
  }
}

}  // namespace simorch
