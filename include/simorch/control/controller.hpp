#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "simorch/model/dip_model.hpp"

namespace simorch {

/// The control laws simorch ships (design.md, "Controllers").
enum class ControllerKind { classical_smc, sta_smc, adaptive_smc, lqr, open_loop };

/// Study-file name of a controller kind ("classical_smc", ...).
std::string_view to_string(ControllerKind kind) noexcept;

/// Everything that configures one controller. Key names follow the dip-smc-pso config
/// (`controllers.<name>.*`); gains are in that config's order.
struct ControllerConfig {
  ControllerKind kind = ControllerKind::lqr;
  /// classical_smc [k1, k2, λ1, λ2, K, kd]; sta_smc [K1, K2, k1, k2, λ1, λ2];
  /// adaptive_smc [k1, k2, λ1, λ2, γ]; lqr and open_loop take none.
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
};

/// Number of gains each kind takes (6, 6, 5, 0, 0).
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
