#include <algorithm>
#include <cmath>
#include <numbers>

#include "control_laws.hpp"
#include "simorch/error.hpp"
#include "simorch/model/angle.hpp"
#include "sliding_surface.hpp"
#include "swing_up_planner.hpp"

namespace simorch::detail {
namespace {

/// Swing-up with energy/angle hand-over (dip-smc-pso's swing_up_smc). E is the design
/// model's total mechanical energy measured from the hanging rest state, E* its value at
/// the upright rest state (2g·(m1·Lc1 + m2·L1 + m2·Lc2)).
///   swing:     follow a plan from the state where swinging began to upright (iterative
///              LQR on the design model, swing_up_planner.hpp): u = u_k + K_k·(x − x_k)
///   stabilise: u = stabilizing_controller(x with wrapped angles)
/// swing → stabilise when the plan has ended, E ≥ switch_energy_factor·E* and both wrapped
/// |θi| ≤ switch_angle_tolerance (else a new plan from here); stabilise → swing when
/// E < exit_energy_factor·E* or a wrapped |θi| > reentry_angle_tolerance. The seed pumps
/// energy instead (u ∝ energy_gain·(E* − E)): on the `full` model that balanced 0 of 20
/// hanging starts in 10 s here (docs/controllers.md). Mode, plan and stabiliser state are
/// per task.
class SwingUpSmc final : public Controller {
 public:
  SwingUpSmc(const ControllerConfig& config, const DipModel& design_model)
      : config_(config),
        model_(design_model),
        stabilizer_(make_controller(*config.stabilizer, design_model)),
        hanging_energy_(design_model.energy(hanging())),
        target_(design_model.energy(State::Zero()) - hanging_energy_) {}

  SwingUpSmc(const SwingUpSmc& other)
      : Controller(other),
        config_(other.config_),
        model_(other.model_),
        stabilizer_(other.stabilizer_->clone()),
        hanging_energy_(other.hanging_energy_),
        target_(other.target_) {}

  double compute(const State& x, std::int64_t step, double dt) override {
    const State seen = wrap_angles(x);
    const double energy = model_.energy(x) - hanging_energy_;
    const double worst_angle = std::max(std::abs(seen[theta1]), std::abs(seen[theta2]));
    if (is_stabilising_) {
      if (energy < config_.exit_energy_factor * target_ ||
          worst_angle > config_.reentry_angle_tolerance) {
        is_stabilising_ = false;
      }
    } else if (!is_plan_running(dt) && energy >= config_.switch_energy_factor * target_ &&
               worst_angle <= config_.switch_angle_tolerance) {
      // A fresh stabiliser each hand-over: its integral/adaptive state from an earlier
      // attempt belongs to a motion that is over.
      stabilizer_ = stabilizer_->clone();
      is_stabilising_ = true;
    }
    if (is_stabilising_) {
      plan_.reset();
      return stabilizer_->compute(seen, step, dt);
    }
    return swing(x, dt);
  }

  std::unique_ptr<Controller> clone() const override {
    auto copy = std::make_unique<SwingUpSmc>(*this);
    copy->is_stabilising_ = false;
    copy->plan_.reset();
    copy->period_ = 0;
    copy->held_ = 0.0;
    return copy;
  }

 private:
  static State hanging() noexcept {
    State x = State::Zero();
    x[theta1] = std::numbers::pi;
    x[theta2] = std::numbers::pi;
    return x;
  }

  std::int64_t periods_per_step(double dt) const noexcept {
    return std::max<std::int64_t>(1, std::llround(kPlanStep_s / dt));
  }

  /// True while a swing plan has periods left. The hand-over waits for its end: the
  /// plan passes through the angle window on its way up, fast, where no stabiliser
  /// catches it (measured: 2 of 10 hanging starts balanced with a hand-over at the first
  /// pass through 0.35 rad, 6 of 6 when the plan ran to its end).
  bool is_plan_running(double dt) const noexcept {
    return plan_ &&
           period_ / periods_per_step(dt) < static_cast<std::int64_t>(plan_->feedforward.size());
  }

  /// Follows the current swing plan, planning a new one from x when there is none or it
  /// has run out without a hand-over. The plan's step is the control period, or a
  /// multiple of it near 10 ms (a finer step buys nothing and costs planning time).
  double swing(const State& x, double dt) {
    const std::int64_t per_step = periods_per_step(dt);
    if (!is_plan_running(dt)) {
      plan_ = std::make_unique<SwingPlan>(plan_swing_up(
          model_, x, dt * static_cast<double>(per_step), kPlanHorizon_s, config_.max_force));
      period_ = 0;
    }
    if (period_ % per_step == 0) {
      const auto j = static_cast<std::size_t>(period_ / per_step);
      State error = x - plan_->state[j];
      error[theta1] = wrap_angle(error[theta1]);
      error[theta2] = wrap_angle(error[theta2]);
      held_ = saturate(plan_->feedforward[j] + plan_->gain[j].dot(error), config_.max_force);
    }
    ++period_;
    return held_;
  }

  static constexpr double kPlanStep_s = 0.01;
  static constexpr double kPlanHorizon_s = 3.0;

  ControllerConfig config_;
  DipModel model_;
  std::unique_ptr<Controller> stabilizer_;
  double hanging_energy_;
  double target_;  ///< E* [J]
  bool is_stabilising_ = false;
  std::unique_ptr<SwingPlan> plan_;  ///< current swing plan (per task)
  std::int64_t period_ = 0;          ///< control periods since the plan was made
  double held_ = 0.0;                ///< force held over the plan step
};

}  // namespace

std::unique_ptr<Controller> make_swing_up_smc(const ControllerConfig& config,
                                              const DipModel& design_model) {
  return std::make_unique<SwingUpSmc>(config, design_model);
}

}  // namespace simorch::detail
