#pragma once

#include <cstdint>
#include <string_view>

#include "simorch/enum_names.hpp"
#include "simorch/model/dip_model.hpp"

namespace simorch {

/// Time-stepping scheme across one control period.
enum class IntegratorKind { euler, rk4, dp45 };

/// Study-file names of the integrators.
template <>
inline constexpr auto enum_names<IntegratorKind> =
    std::to_array<EnumName<IntegratorKind>>({{IntegratorKind::euler, "euler"},
                                             {IntegratorKind::rk4, "rk4"},
                                             {IntegratorKind::dp45, "dp45"}});

/// Settings of the integrator; rtol/atol/min_step matter only for dp45.
/// dp45 accepts a step when its embedded error estimate e satisfies
/// sqrt(mean_i (e_i / (atol + rtol·max(|x_i|, |x_new_i|)))²) ≤ 1 (Hairer–Nørsett–Wanner).
struct IntegratorOptions {
  IntegratorKind kind = IntegratorKind::rk4;
  double rtol = 1e-6;
  double atol = 1e-9;
  double min_step = 1e-10;  ///< dp45: a step that must shrink below this ends the task (error).
};

/// Why advance() stopped.
enum class AdvanceStatus { ok, step_too_small, non_finite };

/// Steps taken so far by one Integrator (one task).
struct StepCounts {
  std::int64_t accepted = 0;
  std::int64_t rejected = 0;
};

/// Advances the plant across one control period with u held (zero-order hold).
/// Per-task value: dp45 remembers its last step size across periods. No heap allocation.
class Integrator {
 public:
  explicit Integrator(const IntegratorOptions& options) noexcept;

  /// Moves x from t to t + dt. Fixed-step schemes take one step; dp45 takes as many
  /// adaptive sub-steps as its tolerances need, retrying rejected ones with a smaller step.
  AdvanceStatus advance(const DipModel& model, State& x, double u, double dt) noexcept;

  const StepCounts& counts() const noexcept { return counts_; }

 private:
  IntegratorOptions options_;
  double last_step_ = 0.0;  ///< dp45: accepted step size carried into the next period.
  double last_error_;       ///< dp45: previous accepted error norm (PI step control).
  StepCounts counts_;
};

}  // namespace simorch
