#include "simorch/sim/batch_kernel.hpp"

#include <sleef.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "control/sliding_surface.hpp"
#include "sim/batch_kernel_plan.hpp"
#include "sim/summary_message.hpp"
#include "simorch/control/lqr_design.hpp"
#include "simorch/error.hpp"

namespace simorch {
namespace {

using detail::KernelPlan;
using detail::LaneIo;
using detail::LaneStop;
using detail::PlantConstants;
using detail::stop;

constexpr int max_width = 16;
static_assert(detail::sse2_register_groups * 2 <= max_width &&
              detail::avx2_register_groups * 4 <= max_width &&
              detail::avx512_register_groups * 8 <= max_width);
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// DipModel's constants (dip_model.cpp), the same expressions so the rounding agrees.
PlantConstants plant_constants(const DipParams& p) {
  PlantConstants c{};
  c.m_total = p.cart_mass + p.pendulum1_mass + p.pendulum2_mass;
  c.a = p.pendulum1_mass * p.pendulum1_com + p.pendulum2_mass * p.pendulum1_length;
  c.b = p.pendulum2_mass * p.pendulum2_com;
  c.d = p.pendulum2_mass * p.pendulum1_length * p.pendulum2_com;
  c.j1 = p.pendulum1_mass * p.pendulum1_com * p.pendulum1_com +
         p.pendulum2_mass * p.pendulum1_length * p.pendulum1_length + p.pendulum1_inertia;
  c.j2 = p.pendulum2_mass * p.pendulum2_com * p.pendulum2_com + p.pendulum2_inertia;
  c.ag = c.a * p.gravity;
  c.bg = c.b * p.gravity;
  c.c0 = p.cart_friction;
  c.c1 = p.joint1_friction;
  c.c2 = p.joint2_friction;
  return c;
}

/// The controller of src/control/*.cpp as plan fields (same gain order and formulas).
/// False when the kernel does not implement `config.kind`.
bool plan_controller(const ControllerConfig& config, const DipModel& design, KernelPlan& plan) {
  using detail::SlidingSurface;
  const auto& g = config.gains;
  plan.max_force = config.max_force;
  plan.boundary_layer = config.boundary_layer;
  plan.uses_equivalent = config.enable_equivalent;
  const SlidingSurface surface = detail::surface_of(config);
  switch (config.kind) {
    case ControllerKind::lqr: {
      plan.controller = detail::KernelController::lqr;
      const Eigen::Matrix<double, 6, 1> q =
          Eigen::Map<const Eigen::Matrix<double, 6, 1>>(config.q.data());
      const LqrDesign lqr = design_lqr(design.linearize(), q, config.r);
      for (int j = 0; j < 6; ++j) plan.lqr_gain[j] = lqr.gain[j];
      return true;
    }
    case ControllerKind::open_loop:
      plan.controller = detail::KernelController::open_loop;
      plan.sequence = config.sequence.data();
      plan.sequence_size = static_cast<std::int64_t>(config.sequence.size());
      return true;
    case ControllerKind::classical_smc:  // [k1, k2, λ1, λ2, K, kd]
      plan.controller = detail::KernelController::classical_smc;
      plan.switching_gain = g[4];
      plan.linear_gain = g[5];
      break;
    case ControllerKind::sta_smc:  // [K1, K2, k1, k2, λ1, λ2]
      plan.controller = detail::KernelController::sta_smc;
      plan.switching_gain = g[0];
      plan.linear_gain = g[1];
      plan.damping = config.damping_gain;
      break;
    case ControllerKind::adaptive_smc:  // [k1, k2, λ1, λ2, γ]
      plan.controller = detail::KernelController::adaptive_smc;
      plan.gamma = g[4];
      plan.alpha = config.alpha;
      plan.leak_rate = config.leak_rate;
      plan.dead_zone = config.dead_zone;
      plan.rate_limit = config.adapt_rate_limit;
      plan.k_min = config.k_min;
      plan.k_max = config.k_max;
      plan.k_init = config.k_init;
      break;
    default:
      return false;
  }
  plan.angle1 = surface.angle1;
  plan.angle2 = surface.angle2;
  plan.rate1 = surface.rate1;
  plan.rate2 = surface.rate2;
  plan.direction = surface.reaching_direction(design);
  plan.tiny_input_gain =
      SlidingSurface::kTinyInputGain * (std::abs(surface.rate1) + std::abs(surface.rate2));
  return true;
}

/// Whether a task can enter a lane: valid parameters and buffers, a finite start inside the
/// bounds. The others end before their first step, with no arithmetic that could differ
/// between the paths, so SequentialOrchestrator::run reports them.
bool can_enter_lane(const TaskSpec& task, const TrajectoryOut& out, const SimConfig& config,
                    const double (&limits)[6]) {
  try {
    validate(task.params);
  } catch (...) {
    return false;
  }
  const auto samples = static_cast<std::size_t>(config.num_samples());
  const bool is_saving = !out.state.empty() || !out.control.empty();
  if (is_saving && (out.state.size() != 6 * samples || out.control.size() != samples)) {
    return false;
  }
  for (int j = 0; j < 6; ++j) {
    if (!std::isfinite(task.initial_state[j]) || std::abs(task.initial_state[j]) > limits[j]) {
      return false;
    }
  }
  return true;
}

/// One quiet NaN for every NaN: which NaN operand's payload and sign an operation keeps
/// depends on the operand order the compiler chose, which may differ between a batch's
/// registers; the datasets are compared bitwise, the payload carries no information.
double canonical(double v) noexcept {
  return std::isnan(v) ? nan : v;
}

/// The summary of a lane, finished as SequentialOrchestrator::run finishes a task.
TaskSummary finish_lane(LaneIo lane, const KernelPlan& plan, std::uint64_t id) {
  for (double& v : lane.x) v = canonical(v);
  for (double* v : {&lane.ise, &lane.itae, &lane.control_energy, &lane.max_abs_x,
                    &lane.max_abs_theta1, &lane.max_abs_theta2, &lane.max_abs_u, &lane.stop_u}) {
    *v = canonical(*v);
  }
  TaskSummary s;
  s.task_id = id;
  s.status = TaskStatus::completed;
  const std::int64_t k = lane.steps;
  const double dt = plan.dt;
  switch (lane.stop) {
    case LaneStop::none:
      break;
    case LaneStop::control_non_finite:
      stop(s, TaskStatus::diverged, "control force %g at t = %.6g s", lane.stop_u,
           static_cast<double>(k) * dt);
      break;
    case LaneStop::state_non_finite: {
      const double t = static_cast<double>(k - 1) * dt;
      stop(s, TaskStatus::diverged, "state became NaN/Inf in t = [%.6g, %.6g] s", t, t + dt);
      break;
    }
    case LaneStop::step_too_small: {
      const double t = static_cast<double>(k - 1) * dt;
      stop(s, TaskStatus::error, "dp45 step fell below min_step = %g s in t = [%.6g, %.6g] s",
           plan.min_step, t, t + dt);
      break;
    }
    case LaneStop::out_of_bounds:
      for (int j = 0; j < 6; ++j) {
        if (std::abs(lane.x[j]) > plan.limits[j]) {
          stop(s, TaskStatus::out_of_bounds, "|%s| = %.6g > %.6g at t = %.6g s", state_names[j],
               std::abs(lane.x[j]), plan.limits[j], static_cast<double>(k) * dt);
          break;
        }
      }
      break;
  }
  double max_abs_x = lane.max_abs_x, max_abs_theta1 = lane.max_abs_theta1,
         max_abs_theta2 = lane.max_abs_theta2, settle_step = lane.settle_step;
  // x is the state at k·dt, unless the integrator failed in the middle of a period: observe it.
  if (lane.stop != LaneStop::state_non_finite && lane.stop != LaneStop::step_too_small) {
    max_abs_x = std::max(max_abs_x, std::abs(lane.x[0]));
    max_abs_theta1 = std::max(max_abs_theta1, std::abs(lane.x[1]));
    max_abs_theta2 = std::max(max_abs_theta2, std::abs(lane.x[2]));
    const bool is_inside = std::abs(lane.x[1]) <= plan.settle_tolerance &&
                           std::abs(lane.x[2]) <= plan.settle_tolerance;
    if (!is_inside) {
      settle_step = -1;
    } else if (settle_step < 0) {
      settle_step = static_cast<double>(k);
    }
    if (lane.trajectory_state != nullptr && k % plan.save_every == 0) {
      const auto i = static_cast<std::size_t>(k / plan.save_every);
      std::copy(lane.x, lane.x + 6, lane.trajectory_state + 6 * i);
      lane.trajectory_control[i] = nan;
    }
  }
  s.ise = lane.ise;
  s.itae = lane.itae;
  s.max_abs_theta1 = max_abs_theta1;
  s.max_abs_theta2 = max_abs_theta2;
  s.max_abs_x = max_abs_x;
  s.max_abs_u = lane.max_abs_u;
  s.control_energy = lane.control_energy;
  const bool is_settled = s.status == TaskStatus::completed && settle_step >= 0;
  s.settling_time = is_settled ? settle_step * dt : nan;
  s.success = is_settled ? 1 : 0;
  std::copy(lane.x, lane.x + 6, s.final_state);
  s.steps = k;
  // k·dt ends the last period simulated, as in SequentialOrchestrator::run.
  if (s.status != TaskStatus::completed) s.failure_time_s = static_cast<double>(k) * dt;
  const bool is_adaptive = plan.integrator == detail::KernelIntegrator::dp45;
  // euler and rk4 count every advance, as Integrator does.
  s.integrator_steps = is_adaptive ? lane.accepted_steps : k;
  s.rejected_steps = is_adaptive ? lane.rejected_steps : 0;
  return s;
}

detail::LaneKernel lane_kernel(KernelIsa isa) noexcept {
  switch (isa) {
    case KernelIsa::sse2:
      return &detail::run_lanes_sse2;
    case KernelIsa::avx2:
      return &detail::run_lanes_avx2;
    case KernelIsa::avx512:
      return &detail::run_lanes_avx512;
  }
  return &detail::run_lanes_sse2;
}

}  // namespace

std::string_view to_string(KernelIsa isa) noexcept {
  switch (isa) {
    case KernelIsa::sse2:
      return "sse2";
    case KernelIsa::avx2:
      return "avx2";
    case KernelIsa::avx512:
      return "avx512";
  }
  return "unknown";
}

std::optional<KernelIsa> parse_kernel_isa(std::string_view text) noexcept {
  for (const KernelIsa isa : {KernelIsa::sse2, KernelIsa::avx2, KernelIsa::avx512}) {
    if (text == to_string(isa)) return isa;
  }
  return std::nullopt;
}

int kernel_width(KernelIsa isa) noexcept {
  // Registers per value × doubles per register (batch_kernel_plan.hpp).
  switch (isa) {
    case KernelIsa::sse2:
      return detail::sse2_register_groups * 2;
    case KernelIsa::avx2:
      return detail::avx2_register_groups * 4;
    case KernelIsa::avx512:
      return detail::avx512_register_groups * 8;
  }
  return 2;
}

bool is_supported(KernelIsa isa) noexcept {
  // libgcc's checks include the OS saving the wide registers (XCR0).
  switch (isa) {
    case KernelIsa::sse2:
      return true;  // part of x86-64
    case KernelIsa::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case KernelIsa::avx512:
      return __builtin_cpu_supports("avx512f");
  }
  return false;
}

KernelIsa widest_supported_isa() noexcept {
  if (is_supported(KernelIsa::avx512)) return KernelIsa::avx512;
  if (is_supported(KernelIsa::avx2)) return KernelIsa::avx2;
  return KernelIsa::sse2;
}

KernelIsa selected_kernel_isa() {
  const char* forced = std::getenv("SIMORCH_KERNEL_ISA");
  if (forced == nullptr || *forced == '\0') return widest_supported_isa();
  const std::optional<KernelIsa> isa = parse_kernel_isa(forced);
  if (!isa) throw ConfigError("SIMORCH_KERNEL_ISA", forced, "allowed: sse2, avx2, avx512");
  if (!is_supported(*isa)) {
    throw ConfigError("SIMORCH_KERNEL_ISA", forced,
                      "allowed: an ISA this CPU supports (up to " +
                          std::string(to_string(widest_supported_isa())) + ")");
  }
  return *isa;
}

struct BatchKernel::Impl {
  Impl(const SimConfig& config, const ControllerConfig& controller, const DipParams& nominal)
      : scalar(config, controller, nominal), sequence(controller.sequence) {}

  SequentialOrchestrator scalar;  // validates everything first
  std::vector<double> sequence;   // owned copy plan.sequence points into
  KernelPlan plan;
  bool is_vectorised = false;
  KernelIsa isa = KernelIsa::sse2;
  detail::LaneKernel kernel = nullptr;
};

BatchKernel::BatchKernel(const SimConfig& config, const ControllerConfig& controller,
                         const DipParams& nominal, std::optional<KernelIsa> isa)
    : impl_(std::make_unique<Impl>(config, controller, nominal)) {
  KernelPlan& plan = impl_->plan;
  plan.model =
      config.model == ModelKind::full ? detail::KernelModel::full : detail::KernelModel::simplified;
  plan.dt = config.dt;
  plan.num_steps = config.num_steps();
  plan.save_every = config.save_every;
  const StateBounds& b = config.bounds;
  const double limits[6] = {b.max_abs_x,        b.max_abs_theta,    b.max_abs_theta,
                            b.max_abs_velocity, b.max_abs_velocity, b.max_abs_velocity};
  std::copy(limits, limits + 6, plan.limits);
  plan.settle_tolerance = config.settle_tolerance;
  plan.nominal = plant_constants(nominal);
  switch (config.integrator.kind) {
    case IntegratorKind::euler:
      plan.integrator = detail::KernelIntegrator::euler;
      break;
    case IntegratorKind::rk4:
      plan.integrator = detail::KernelIntegrator::rk4;
      break;
    case IntegratorKind::dp45:
      plan.integrator = detail::KernelIntegrator::dp45;
      break;
  }
  plan.rtol = config.integrator.rtol;
  plan.atol = config.integrator.atol;
  plan.min_step = config.integrator.min_step;
  ControllerConfig owned = controller;
  const bool is_covered = plan_controller(owned, DipModel(config.model, nominal), plan);
  plan.sequence = impl_->sequence.data();
  impl_->is_vectorised = is_covered;
  impl_->isa = isa ? *isa : selected_kernel_isa();
  if (!is_supported(impl_->isa)) {
    throw ConfigError("SIMORCH_KERNEL_ISA", std::string(to_string(impl_->isa)),
                      "allowed: an ISA this CPU supports (up to " +
                          std::string(to_string(widest_supported_isa())) + ")");
  }
  impl_->kernel = lane_kernel(impl_->isa);
}

BatchKernel::~BatchKernel() = default;

int BatchKernel::width() const noexcept {
  return impl_->is_vectorised ? kernel_width(impl_->isa) : 1;
}

bool BatchKernel::is_vectorised() const noexcept {
  return impl_->is_vectorised;
}

KernelInfo BatchKernel::info() const {
  KernelInfo info;
  const std::string sleef = "SLEEF " + std::to_string(SLEEF_VERSION_MAJOR) + "." +
                            std::to_string(SLEEF_VERSION_MINOR) + "." +
                            std::to_string(SLEEF_VERSION_PATCHLEVEL);
  // dp45's step-size control also takes pow from SLEEF.
  const std::string pow =
      impl_->plan.integrator == detail::KernelIntegrator::dp45 ? ", pow u10" : "";
  if (!impl_->is_vectorised) {
    info.isa = "scalar";
    info.width = 1;
    info.math = "libm";
    info.numerics = "scalar-libm";
  } else if (impl_->isa == KernelIsa::sse2) {
    info.isa = "sse2";
    info.width = kernel_width(KernelIsa::sse2);
    info.math = sleef + " cinz_sincos u35" + pow;
    info.numerics = "sleef-nofma";
  } else {
    info.isa = std::string(to_string(impl_->isa));
    info.width = kernel_width(impl_->isa);
    info.math = sleef + " finz_sincos u35" + pow;
    info.numerics = "sleef-fma";
  }
  return info;
}

std::string describe(const KernelInfo& info) {
  return info.isa + " x" + std::to_string(info.width) + "; " + info.math + "; numerics " +
         info.numerics;
}

std::string numerics_of(std::string_view description) {
  constexpr std::string_view key = "numerics ";
  const auto at = description.find(key);
  if (at == std::string_view::npos) return {};
  const std::string_view rest = description.substr(at + key.size());
  return std::string(rest.substr(0, rest.find(';')));
}

const SequentialOrchestrator& BatchKernel::scalar() const noexcept {
  return impl_->scalar;
}

void BatchKernel::run(std::span<const TaskSpec> tasks, std::span<TaskSummary> summaries,
                      std::span<const TrajectoryOut> trajectories) const noexcept {
  const Impl& impl = *impl_;
  const std::size_t w = static_cast<std::size_t>(width());
  const KernelPlan& plan = impl.plan;
  for (std::size_t begin = 0; begin < tasks.size(); begin += w) {
    const auto start = std::chrono::steady_clock::now();
    const std::size_t n = std::min(w, tasks.size() - begin);
    const auto trajectory = [&](std::size_t i) {
      return trajectories.empty() ? TrajectoryOut{} : trajectories[begin + i];
    };
    if (!impl.is_vectorised) {
      summaries[begin] = impl.scalar.run(tasks[begin], trajectory(0));
      continue;  // its own wall_time_s
    }
    std::array<LaneIo, max_width> lanes{};
    for (std::size_t i = 0; i < w; ++i) {
      // Padding lanes repeat the batch's first task, inactive: frozen, never read.
      const std::size_t t = i < n ? i : 0;
      const TaskSpec& task = tasks[begin + t];
      LaneIo& lane = lanes[i];
      std::copy(task.initial_state.data(), task.initial_state.data() + 6, lane.x);
      const TrajectoryOut out = trajectory(t);
      if (i >= n) continue;
      if (!can_enter_lane(task, out, impl.scalar.config(), plan.limits)) {
        summaries[begin + i] = impl.scalar.run(task, out);
        continue;
      }
      lane.plant = plant_constants(task.params);
      lane.is_active = true;
      std::fill(out.state.begin(), out.state.end(), nan);
      std::fill(out.control.begin(), out.control.end(), nan);
      if (!out.state.empty()) {
        lane.trajectory_state = out.state.data();
        lane.trajectory_control = out.control.data();
      }
    }
    // A padding lane needs a valid plant too (its arithmetic runs, masked).
    for (std::size_t i = 0; i < w; ++i) {
      if (!lanes[i].is_active) lanes[i].plant = plant_constants(DipParams{});
    }
    impl.kernel(plan, lanes.data());
    for (std::size_t i = 0; i < n; ++i) {
      if (lanes[i].is_active)
        summaries[begin + i] = finish_lane(lanes[i], plan, tasks[begin + i].id);
    }
    const double share =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
        static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) summaries[begin + i].wall_time_s = share;
  }
}

}  // namespace simorch
