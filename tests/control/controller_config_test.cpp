#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "closed_loop.hpp"
#include "simorch/control/controller.hpp"
#include "simorch/error.hpp"
#include "support/thrown_by.hpp"

namespace simorch {
namespace {

ControllerConfig valid_config(ControllerKind kind) {
  return test::found_config(kind);
}

/// Runs validate() and returns the ConfigError it threw (fails the test if none).
ConfigError config_error_of(const ControllerConfig& config, std::string_view prefix) {
  return test::thrown_by<ConfigError>([&] { validate(config, prefix); },
                                      "validate() accepted an invalid config")
      .value_or(ConfigError("", "", ""));
}

/// The key path of validate()'s error for a valid `kind` config after `change`.
template <class Change>
std::string bad_key(ControllerKind kind, Change change) {
  ControllerConfig config = valid_config(kind);
  change(config);
  return config_error_of(config, "c").key_path();
}

constexpr ControllerKind kAllKinds[] = {ControllerKind::classical_smc, ControllerKind::sta_smc,
                                        ControllerKind::adaptive_smc, ControllerKind::lqr,
                                        ControllerKind::open_loop};

TEST(ControllerKind, names_match_the_study_file_keys) {
  EXPECT_EQ(allowed_names<ControllerKind>(),
            "allowed: classical_smc, sta_smc, adaptive_smc, lqr, open_loop, "
            "hybrid_adaptive_sta_smc, conditional_hybrid, swing_up_smc, mpc_controller");
  for (const EnumName<ControllerKind>& row : enum_names<ControllerKind>) {
    EXPECT_EQ(parse_name<ControllerKind>(to_string(row.value), "c"), row.value);
  }
}

TEST(ControllerKind, an_unknown_name_is_refused_with_the_key_and_the_allowed_names) {
  try {
    parse_name<ControllerKind>("pid", "monte_carlo.controller");
    FAIL() << "accepted 'pid'";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "monte_carlo.controller");
    EXPECT_EQ(e.value(), "pid");
    EXPECT_EQ(e.allowed(), allowed_names<ControllerKind>());
  }
}

TEST(ControllerKind, gain_counts_follow_the_seed_gain_order) {
  EXPECT_EQ(expected_gain_count(ControllerKind::classical_smc), 6u);
  EXPECT_EQ(expected_gain_count(ControllerKind::sta_smc), 6u);
  EXPECT_EQ(expected_gain_count(ControllerKind::adaptive_smc), 5u);
  EXPECT_EQ(expected_gain_count(ControllerKind::lqr), 0u);
  EXPECT_EQ(expected_gain_count(ControllerKind::open_loop), 0u);
}

TEST(ValidateController, accepts_a_valid_config_of_every_kind) {
  for (ControllerKind kind : kAllKinds) {
    EXPECT_NO_THROW(validate(valid_config(kind), "controllers.x")) << to_string(kind);
  }
}

TEST(ValidateController, wrong_gain_count_names_the_key_the_length_and_the_allowed_length) {
  ControllerConfig config = valid_config(ControllerKind::classical_smc);
  config.gains.pop_back();
  const ConfigError error = config_error_of(config, "controllers.classical_smc");
  EXPECT_EQ(error.key_path(), "controllers.classical_smc.gains");
  EXPECT_NE(error.value().find('5'), std::string::npos) << error.what();
  EXPECT_NE(error.allowed().find("exactly 6"), std::string::npos) << error.what();

  ControllerConfig lqr = valid_config(ControllerKind::lqr);
  lqr.gains = {1.0};
  EXPECT_EQ(config_error_of(lqr, "controllers.lqr").key_path(), "controllers.lqr.gains");
}

TEST(ValidateController, non_positive_switching_gain_names_its_index) {
  ControllerConfig config = valid_config(ControllerKind::classical_smc);
  config.gains[4] = 0.0;  // K
  const ConfigError error = config_error_of(config, "c");
  EXPECT_EQ(error.key_path(), "c.gains[4]");
  EXPECT_EQ(error.value(), "0");

  ControllerConfig sta = valid_config(ControllerKind::sta_smc);
  sta.gains[4] = -1.0;  // λ1: a per-link slope must stay positive
  EXPECT_EQ(config_error_of(sta, "s").key_path(), "s.gains[4]");

  ControllerConfig adaptive = valid_config(ControllerKind::adaptive_smc);
  adaptive.gains[4] = -0.5;  // γ
  EXPECT_EQ(config_error_of(adaptive, "a").key_path(), "a.gains[4]");
}

TEST(ValidateController, surface_weights_may_be_negative_but_not_zero) {
  ControllerConfig config = valid_config(ControllerKind::adaptive_smc);
  config.gains[1] = -51.6;
  EXPECT_NO_THROW(validate(config, "a"));
  config.gains[1] = 0.0;
  EXPECT_EQ(config_error_of(config, "a").key_path(), "a.gains[1]");
}

TEST(ValidateController, non_finite_gain_is_rejected) {
  ControllerConfig config = valid_config(ControllerKind::sta_smc);
  config.gains[0] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(config_error_of(config, "s").key_path(), "s.gains[0]");
}

TEST(ValidateController, max_force_and_boundary_layer_must_be_positive) {
  for (ControllerKind kind : kAllKinds) {
    ControllerConfig config = valid_config(kind);
    config.max_force = 0.0;
    EXPECT_EQ(config_error_of(config, "k").key_path(), "k.max_force") << to_string(kind);
  }
  ControllerConfig config = valid_config(ControllerKind::sta_smc);
  config.boundary_layer = -0.1;
  const ConfigError error = config_error_of(config, "controllers.sta_smc");
  EXPECT_EQ(error.key_path(), "controllers.sta_smc.boundary_layer");
  EXPECT_EQ(error.value(), "-0.1");
}

TEST(ValidateController, adaptive_gain_bounds_must_bracket_the_initial_gain) {
  ControllerConfig config = valid_config(ControllerKind::adaptive_smc);
  config.k_init = 200.0;  // above K_max = 100
  const ConfigError high = config_error_of(config, "a");
  EXPECT_EQ(high.key_path(), "a.K_init");
  EXPECT_NE(high.allowed().find("[0.1, 100]"), std::string::npos) << high.what();

  EXPECT_EQ(bad_key(ControllerKind::adaptive_smc,
                    [](ControllerConfig& c) {
                      c.k_min = 5.0;
                      c.k_max = 1.0;
                    }),
            "c.K_max");
  EXPECT_EQ(
      bad_key(ControllerKind::adaptive_smc, [](ControllerConfig& c) { c.adapt_rate_limit = 0.0; }),
      "c.adapt_rate_limit");
}

TEST(ValidateController, lqr_weights_are_six_non_negative_q_and_a_positive_r) {
  ControllerConfig config = valid_config(ControllerKind::lqr);
  config.q = {1.0, 1.0, 1.0};
  const ConfigError length = config_error_of(config, "controllers.lqr");
  EXPECT_EQ(length.key_path(), "controllers.lqr.q");
  EXPECT_NE(length.value().find('3'), std::string::npos);

  EXPECT_EQ(bad_key(ControllerKind::lqr, [](ControllerConfig& c) { c.q[2] = -1.0; }), "c.q[2]");
  EXPECT_EQ(bad_key(ControllerKind::lqr, [](ControllerConfig& c) { c.r = 0.0; }), "c.r");
}

TEST(ValidateController, open_loop_sequence_must_be_finite) {
  ControllerConfig config = valid_config(ControllerKind::open_loop);
  config.sequence = {1.0, std::numeric_limits<double>::infinity()};
  EXPECT_EQ(config_error_of(config, "o").key_path(), "o.sequence[1]");
}

TEST(ValidateController, make_controller_rejects_an_invalid_config) {
  ControllerConfig config = valid_config(ControllerKind::adaptive_smc);
  config.gains.push_back(1.0);
  EXPECT_THROW((void)make_controller(config, DipModel(ModelKind::full, DipParams{})), ConfigError);
}

TEST(ValidateController, message_is_one_line_with_key_value_and_allowed) {
  ControllerConfig config = valid_config(ControllerKind::classical_smc);
  config.max_force = -3.0;
  const ConfigError error = config_error_of(config, "controllers.classical_smc");
  const std::string message = error.what();
  EXPECT_EQ(message, "controllers.classical_smc.max_force: got '-3', a number > 0");
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace simorch
