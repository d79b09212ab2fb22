#pragma once

// The contract between the batch kernel's front end (batch_kernel.cpp, built for the
// baseline ISA) and its per-ISA translation units (batch_kernel_<isa>.cpp, built with
// -mavx2/-mavx512f). Plain structs and one function pointer type only: no inline
// function of a shared header may be compiled with different -m flags in two TUs (the
// linker would keep one copy, possibly one the CPU cannot run).

#include <cstdint>

namespace simorch::detail {

/// Constants of one plant's mass matrix and forcing, in DipModel's formulas and rounding
/// (dip_model.cpp): m_total, a, b, d, J1, J2, plus the products the right-hand side uses.
struct PlantConstants {
  double m_total, a, b, d, j1, j2;
  double ag, bg;      ///< a·g, b·g
  double c0, c1, c2;  ///< cart, joint 1, joint 2 viscous friction
};

/// Native SIMD registers per kernel value (batch_kernel_lanes.inc), per ISA: the width of
/// a batch is this times the ISA's doubles per register. Measured best (docs/kernel.md).
inline constexpr int sse2_register_groups = 2;
inline constexpr int avx2_register_groups = 1;
inline constexpr int avx512_register_groups = 2;

enum class KernelModel : std::int32_t { full = 0, simplified = 1 };
enum class KernelIntegrator : std::int32_t { euler = 0, rk4 = 1, dp45 = 2 };
enum class KernelController : std::int32_t { classical_smc, sta_smc, adaptive_smc, lqr, open_loop };

/// Everything shared by the tasks of a study, resolved once (gains, nominal plant).
struct KernelPlan {
  KernelModel model = KernelModel::full;
  KernelIntegrator integrator = KernelIntegrator::rk4;
  KernelController controller = KernelController::lqr;
  double dt = 0.01;
  double rtol = 1e-6, atol = 1e-9, min_step = 1e-10;  ///< dp45 (IntegratorOptions)
  std::int64_t num_steps = 0;
  std::int64_t save_every = 0;
  double limits[6] = {};  ///< |x_i| above limits[i] ends a task out_of_bounds
  double settle_tolerance = 0.01;
  // Controller (the same fields and formulas as src/control/*.cpp).
  double max_force = 150.0;
  double boundary_layer = 0.3;
  bool uses_equivalent = true;
  double lqr_gain[6] = {};
  double angle1 = 0, angle2 = 0, rate1 = 0, rate2 = 0;  ///< sliding surface
  double direction = 1.0;      ///< reaching direction (sliding_surface.hpp)
  double tiny_input_gain = 0;  ///< u_eq is dropped below this |∂ṡ/∂u|
  double switching_gain = 0;   ///< classical K, sta K1
  double linear_gain = 0;      ///< classical kd, sta K2 (integral gain)
  double damping = 0;          ///< sta damping_gain
  double alpha = 0, leak_rate = 0, dead_zone = 0, rate_limit = 0;  ///< adaptive
  double k_min = 0, k_max = 0, k_init = 0, gamma = 0;              ///< adaptive
  PlantConstants nominal{};                                        ///< the design model u_eq uses
  const double* sequence = nullptr;  ///< open_loop forces, `sequence_size` of them
  std::int64_t sequence_size = 0;
};

/// Why a lane stopped before the end (or `none`: it ran all num_steps).
enum class LaneStop : std::int32_t {
  none = 0,
  control_non_finite,
  state_non_finite,
  out_of_bounds,
  step_too_small  ///< dp45 gave up: its step fell below min_step
};

/// One task's lane: inputs, then what the kernel leaves there.
struct LaneIo {
  // in
  double x[6] = {};
  PlantConstants plant{};
  bool is_active = false;              ///< false: padding, or stopped before step 0
  double* trajectory_state = nullptr;  ///< 6 per sample, or null
  double* trajectory_control = nullptr;
  // out (x holds the final state)
  double ise = 0, itae = 0, control_energy = 0;
  double max_abs_x = 0, max_abs_theta1 = 0, max_abs_theta2 = 0, max_abs_u = 0;
  double settle_step = -1;  ///< first step of the current inside-tolerance streak, −1 none
  std::int64_t steps = 0;
  std::int64_t accepted_steps = 0, rejected_steps = 0;  ///< dp45's sub-steps
  LaneStop stop = LaneStop::none;
  double stop_u = 0;  ///< the non-finite force, for the message
};

/// Advances the `width` lanes of `lanes` in lockstep through the whole task.
using LaneKernel = void (*)(const KernelPlan& plan, LaneIo* lanes);

/// The per-ISA entry points (2, 4 and 8 lanes).
void run_lanes_sse2(const KernelPlan& plan, LaneIo* lanes);
void run_lanes_avx2(const KernelPlan& plan, LaneIo* lanes);
void run_lanes_avx512(const KernelPlan& plan, LaneIo* lanes);

}  // namespace simorch::detail
