#pragma once

// Step-size control of dp45, shared by the scalar integrator (integrator.cpp) and the batch
// kernel's lockstep dp45 (src/sim/batch_kernel_impl.inc), so both take the same steps.
// Hairer–Nørsett–Wanner's DOPRI5 ("Solving ODEs I", II.4 and IV.2): PI controller
// h_new = h · safety · err^-α · err_prev^β with the factor kept in [1/5, 10], and no growth
// right after a rejection.

namespace simorch::integrate_detail::dopri {

inline constexpr double safety = 0.9;
inline constexpr double min_factor = 0.2;
inline constexpr double max_factor = 10.0;
inline constexpr double beta = 0.04;
inline constexpr double alpha = 0.2 - 0.75 * beta;
/// Floor of the remembered error so one very accurate step cannot inflate the next.
inline constexpr double min_error_memory = 1e-4;
/// The remembered error of a task's first step.
inline constexpr double initial_error_memory = 1e-4;

}  // namespace simorch::integrate_detail::dopri
