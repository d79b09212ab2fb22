#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace simorch {

/// Physical parameters of the cart and two links; names and defaults follow the
/// `physics:` section of the dip-smc-pso config. Inertias are about the centre of mass.
struct DipParams {
  double cart_mass = 1.5;
  double pendulum1_mass = 0.2;
  double pendulum2_mass = 0.15;
  double pendulum1_length = 0.4;
  double pendulum2_length = 0.3;
  double pendulum1_com = 0.2;
  double pendulum2_com = 0.15;
  double pendulum1_inertia = 0.0081;
  double pendulum2_inertia = 0.0034;
  double gravity = 9.81;
  double cart_friction = 0.2;
  double joint1_friction = 0.005;
  double joint2_friction = 0.004;

  static constexpr std::size_t count = 13;
  /// Parameter names in declaration order (study keys, /tasks/params columns).
  static constexpr std::array<std::string_view, count> names = {
      "cart_mass",         "pendulum1_mass", "pendulum2_mass", "pendulum1_length",
      "pendulum2_length",  "pendulum1_com",  "pendulum2_com",  "pendulum1_inertia",
      "pendulum2_inertia", "gravity",        "cart_friction",  "joint1_friction",
      "joint2_friction"};

  /// Parameter i in `names` order.
  double& at(std::size_t i) noexcept { return (&cart_mass)[i]; }
  double at(std::size_t i) const noexcept { return (&cart_mass)[i]; }
};

static_assert(sizeof(DipParams) == DipParams::count * sizeof(double),
              "DipParams must be a dense array of doubles for at()");

/// Throws ConfigError naming the first impossible parameter (non-positive mass, length
/// or inertia, centre of mass outside its link, negative friction or gravity, non-finite
/// values). `key_prefix` is prepended to the key path, e.g. "physics".
void validate(const DipParams& params, std::string_view key_prefix = "physics");

}  // namespace simorch
