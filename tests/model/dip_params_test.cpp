#include "simorch/model/dip_params.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "simorch/error.hpp"
#include "support/thrown_by.hpp"

namespace simorch {
namespace {

/// Runs validate() on `params` and returns the ConfigError it must throw.
ConfigError expect_rejected(const DipParams& params, std::string_view prefix = "physics") {
  return test::thrown_by<ConfigError>([&] { validate(params, prefix); },
                                      "validate() accepted an impossible parameter set")
      .value_or(ConfigError("", "", ""));
}

TEST(DipParams, defaults_are_valid) {
  EXPECT_NO_THROW(validate(DipParams{}));
}

TEST(DipParams, rejects_non_positive_masses_lengths_and_inertias) {
  for (const std::string_view name :
       {"cart_mass", "pendulum1_mass", "pendulum2_mass", "pendulum1_length", "pendulum2_length",
        "pendulum1_inertia", "pendulum2_inertia"}) {
    for (const double bad : {0.0, -1.5}) {
      DipParams p;
      for (std::size_t i = 0; i < DipParams::count; ++i) {
        if (DipParams::names[i] == name) p.at(i) = bad;
      }
      const ConfigError e = expect_rejected(p);
      EXPECT_EQ(e.key_path(), "physics." + std::string(name));
      EXPECT_NE(std::string(e.what()).find("physics." + std::string(name)), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("> 0"), std::string::npos) << e.what();
    }
  }
}

TEST(DipParams, rejects_centre_of_mass_outside_its_link) {
  DipParams p;
  p.pendulum1_com = 0.41;  // link 1 is 0.4 m long
  ConfigError e = expect_rejected(p);
  EXPECT_EQ(e.key_path(), "physics.pendulum1_com");
  EXPECT_EQ(e.value(), "0.41");
  EXPECT_NE(e.allowed().find("pendulum1_length = 0.4"), std::string::npos) << e.what();

  p = DipParams{};
  p.pendulum2_com = 0.0;
  e = expect_rejected(p);
  EXPECT_EQ(e.key_path(), "physics.pendulum2_com");

  // The end of the link is allowed (a point mass at the tip).
  p = DipParams{};
  p.pendulum2_com = p.pendulum2_length;
  EXPECT_NO_THROW(validate(p));
}

TEST(DipParams, rejects_negative_friction_and_gravity_but_allows_zero) {
  for (const std::string_view name :
       {"cart_friction", "joint1_friction", "joint2_friction", "gravity"}) {
    DipParams p;
    for (std::size_t i = 0; i < DipParams::count; ++i) {
      if (DipParams::names[i] == name) p.at(i) = -0.01;
    }
    const ConfigError e = expect_rejected(p);
    EXPECT_EQ(e.key_path(), "physics." + std::string(name));
    EXPECT_EQ(e.value(), "-0.01");
    EXPECT_NE(e.allowed().find(">= 0"), std::string::npos) << e.what();

    for (std::size_t i = 0; i < DipParams::count; ++i) {
      if (DipParams::names[i] == name) p.at(i) = 0.0;
    }
    EXPECT_NO_THROW(validate(p)) << name;
  }
}

TEST(DipParams, rejects_non_finite_values_with_the_key_of_each) {
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    for (const double bad :
         {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
      DipParams p;
      p.at(i) = bad;
      const ConfigError e = expect_rejected(p, "physics_uncertainty.sample");
      EXPECT_EQ(e.key_path(), "physics_uncertainty.sample." + std::string(DipParams::names[i]));
      EXPECT_NE(e.allowed().find("finite"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace simorch
