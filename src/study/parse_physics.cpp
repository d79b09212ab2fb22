#include <fmt/core.h>

#include "simorch/error.hpp"
#include "study_sections.hpp"

namespace simorch::study_detail {

DipParams parse_physics(YamlMap physics, std::vector<std::string>& ignored) {
  DipParams params;
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    if (const auto value = physics.number(DipParams::names[i])) params.at(i) = *value;
  }
  physics.collect_unread(DipParams::names, ignored);
  simorch::validate(params, physics.path());
  return params;
}

ParameterUncertainty parse_uncertainty(YamlMap section, std::vector<std::string>& ignored) {
  ParameterUncertainty uncertainty;
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    const auto fraction = section.number(DipParams::names[i]);
    if (!fraction) continue;
    // A fraction of 1 or more could draw a zero or negative mass, length or inertia.
    if (!(*fraction >= 0.0 && *fraction < 1.0)) {
      throw ConfigError(section.key_path(DipParams::names[i]), fmt::format("{}", *fraction),
                        "allowed: a fraction in [0, 1) (0.05 means ±5 %)");
    }
    uncertainty.fraction[i] = *fraction;
  }
  // n_evals is the seed's evaluation count per PSO particle: monte_carlo.samples here.
  section.collect_unread(DipParams::names, ignored);
  return uncertainty;
}

namespace {

/// Every parameter moved by `sign` (−1 or +1) times its fraction, computed exactly as
/// make_task() does, so the corners bound every draw (multiplication rounds monotonically).
DipParams corner(const DipParams& nominal, const ParameterUncertainty& uncertainty, double sign) {
  DipParams params = nominal;
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    params.at(i) = nominal.at(i) * (1.0 + uncertainty.fraction[i] * sign);
  }
  return params;
}

void check_centre_of_mass(const DipParams& low, const DipParams& high,
                          const ParameterUncertainty& uncertainty, int link) {
  const double com_high = link == 1 ? high.pendulum1_com : high.pendulum2_com;
  const double length_low = link == 1 ? low.pendulum1_length : low.pendulum2_length;
  if (com_high <= length_low) return;
  const std::string com = fmt::format("pendulum{}_com", link);
  const std::string length = fmt::format("pendulum{}_length", link);
  const auto index = [&](const std::string& name) {
    for (std::size_t i = 0; i < DipParams::count; ++i) {
      if (DipParams::names[i] == name) return i;
    }
    return std::size_t{0};
  };
  throw ConfigError(
      "physics_uncertainty." + com, fmt::format("{}", uncertainty.fraction[index(com)]),
      fmt::format("fractions too large: a sampled {} could reach {} > the shortest sampled {} "
                  "{}; need {}·(1+f_com) <= {}·(1-f_length)",
                  com, com_high, length, length_low, com, length));
}

}  // namespace

void check_worst_case(const DipParams& nominal, const ParameterUncertainty& uncertainty) {
  if (!uncertainty.is_active()) return;
  const DipParams low = corner(nominal, uncertainty, -1.0);
  const DipParams high = corner(nominal, uncertainty, +1.0);
  check_centre_of_mass(low, high, uncertainty, 1);
  check_centre_of_mass(low, high, uncertainty, 2);
  // Every other rule of validate() is monotone in each parameter, so the two corners
  // cover all draws; the mixed corner (long com, short link) was checked above.
  DipParams mixed = low;
  mixed.pendulum1_com = high.pendulum1_com;
  mixed.pendulum2_com = high.pendulum2_com;
  simorch::validate(low, "physics_uncertainty (lowest sampled values)");
  simorch::validate(high, "physics_uncertainty (highest sampled values)");
  simorch::validate(mixed, "physics_uncertainty (longest com on shortest link)");
}

}  // namespace simorch::study_detail
