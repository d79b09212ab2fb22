#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "simorch/enum_names.hpp"
#include "simorch/model/dip_model.hpp"

namespace simorch {

/// The control laws simorch ships (design.md, "Controllers").
enum class ControllerKind {
  classical_smc,
  sta_smc,
  adaptive_smc,
  lqr,
  open_loop,
  hybrid_adaptive_sta_smc,
  conditional_hybrid,
  swing_up_smc,
  mpc_controller,
};

/// Study-file names of the control laws (the keys of `controllers:`).
template <>
inline constexpr auto enum_names<ControllerKind> = std::to_array<EnumName<ControllerKind>>(
    {{ControllerKind::classical_smc, "classical_smc"},
     {ControllerKind::sta_smc, "sta_smc"},
     {ControllerKind::adaptive_smc, "adaptive_smc"},
     {ControllerKind::lqr, "lqr"},
     {ControllerKind::open_loop, "open_loop"},
     {ControllerKind::hybrid_adaptive_sta_smc, "hybrid_adaptive_sta_smc"},
     {ControllerKind::conditional_hybrid, "conditional_hybrid"},
     {ControllerKind::swing_up_smc, "swing_up_smc"},
     {ControllerKind::mpc_controller, "mpc_controller"}});

/// Everything that configures one controller. Key names follow the dip-smc-pso config
/// (`controllers.<name>.*`); gains are in that config's order.
struct ControllerConfig {
  ControllerKind kind = ControllerKind::lqr;
  /// classical_smc [k1, k2, λ1, λ2, K, kd]; sta_smc [K1, K2, k1, k2, λ1, λ2];
  /// adaptive_smc [k1, k2, λ1, λ2, γ]; hybrid_adaptive_sta_smc [c1, λ1, c2, λ2];
  /// conditional_hybrid [k1, k2, λ1, λ2]; lqr, open_loop, swing_up_smc and
  /// mpc_controller take none.
  std::vector<double> gains;
  double max_force = 150.0;       ///< Saturation |u| ≤ max_force [N].
  double boundary_layer = 0.3;    ///< ε of sat(s/ε).
  bool enable_equivalent = true;  ///< SMC: add the model-based equivalent control.
  double damping_gain = 0.0;      ///< sta_smc: extra −damping_gain·σ term.
  // adaptive_smc
  double alpha = 0.5;  ///< adaptive_smc: proportional term −alpha·σ (no gain slot holds it).
  double leak_rate = 0.01;
  double dead_zone = 0.05;
  double adapt_rate_limit = 10.0;  ///< |K̇| ≤ adapt_rate_limit.
  double k_min = 0.1;
  double k_max = 100.0;
  double k_init = 10.0;  ///< K0: initial switching gain and leak target.
  // lqr: diagonal of Q (6) and scalar R.
  std::vector<double> q = {10.0, 100.0, 100.0, 1.0, 1.0, 1.0};
  double r = 0.1;
  // open_loop: u[k] for control period k; zero after the sequence ends.
  std::vector<double> sequence;
  // hybrid_adaptive_sta_smc (also uses dead_zone, damping_gain, adapt_rate_limit, K_max).
  double k1_init = 4.0;          ///< initial (and leak target of the) twisting gain k1
  double k2_init = 0.4;          ///< initial (and leak target of the) integral gain k2
  double gamma1 = 0.1;           ///< k̇1 = gamma1·|σ| − gain_leak·(k1 − k1_init)
  double gamma2 = 0.05;          ///< k̇2 = gamma2·|σ| − gain_leak·(k2 − k2_init)
  double gain_leak = 0.1;        ///< leak of k1, k2 towards their initial values [1/s]
  double sat_soft_width = 0.35;  ///< boundary layer of the hybrid's sat(σ/w), ≥ dead_zone
  // conditional_hybrid (also uses gamma1, gamma2, alpha = adaptation rate of K, K_*).
  double angle_threshold = 0.2;    ///< super-twisting only while max|θi| < this [rad]
  double surface_threshold = 1.0;  ///< ... and |σ| < this
  double b_eq_threshold = 0.1;     ///< ... and |∂σ̇/∂u| > this (away from the singularity)
  double w_angle = 0.3;            ///< blend weights of the three safety margins (sum 1)
  double w_surface = 0.3;
  double w_singularity = 0.4;
  double epsilon_min = 0.017;  ///< conditional_hybrid's boundary layer
  // swing_up_smc: the stabilising controller it hands over to, and the thresholds.
  std::shared_ptr<const ControllerConfig> stabilizer;  ///< its kind must not be swing_up_smc
  double energy_gain = 50.0;                           ///< swing-up gain on the energy error
  double switch_energy_factor = 0.95;                  ///< hand over when E ≥ this·E_upright ...
  double switch_angle_tolerance = 0.35;  ///< ... and both wrapped |θi| ≤ this [rad]
  double exit_energy_factor = 0.9;       ///< back to swinging when E < this·E_upright ...
  double reentry_angle_tolerance = 0.4;  ///< ... or a wrapped |θi| > this [rad]
  // mpc_controller: linear MPC on the upright linearisation.
  std::int64_t horizon = 10;  ///< prediction horizon in control periods
  double q_x = 1.0;           ///< stage weight of the cart position
  double q_theta = 1.0;       ///< stage weight of each link angle
  double r_u = 0.1;           ///< stage weight of the force
};

/// The defaults of `kind`: a ControllerConfig with the fields whose seed default differs
/// between laws set for that law (gamma1/gamma2, alpha, damping_gain, adapt_rate_limit).
ControllerConfig default_config(ControllerKind kind);

/// Number of gains each kind takes (6, 6, 5, 0, 0, 4, 4, 0, 0).
std::size_t expected_gain_count(ControllerKind kind) noexcept;

/// Throws ConfigError with the key path `key_prefix.<field>` for a gain vector of the
/// wrong length, non-positive surface gains, max_force ≤ 0, boundary_layer ≤ 0, ...
void validate(const ControllerConfig& config, std::string_view key_prefix);

/// A control law with its per-task state (super-twisting integral, adaptive gain).
/// Not shared between tasks: each task clones the study's prototype.
class Controller {
 public:
  virtual ~Controller() = default;
  /// Control force for state x at step k (time k·dt), saturated at ±max_force; updates
  /// the internal state over one control period dt.
  virtual double compute(const State& x, std::int64_t step, double dt) = 0;
  /// A fresh copy with the initial internal state, for the next task.
  virtual std::unique_ptr<Controller> clone() const = 0;

 protected:
  Controller() = default;
  Controller(const Controller&) = default;
  Controller& operator=(const Controller&) = default;
};

/// Builds the controller for `design_model` (the nominal plant the controller knows;
/// the simulated plant of a task may differ). lqr solves its Riccati equation here and
/// throws Error when the closed loop of the design model is not stable.
std::unique_ptr<Controller> make_controller(const ControllerConfig& config,
                                            const DipModel& design_model);

}  // namespace simorch
