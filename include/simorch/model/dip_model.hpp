#pragma once

#include <Eigen/Core>
#include <string_view>

#include "simorch/enum_names.hpp"
#include "simorch/model/dip_params.hpp"
#include "simorch/model/state.hpp"

namespace simorch {

/// Which right-hand side: `full` is the energy-consistent Lagrangian model; `simplified`
/// reproduces the dip-smc-pso project's default model (docs/physics.md says how they differ).
enum class ModelKind { full, simplified };

/// Study-file names of the models.
template <>
inline constexpr auto enum_names<ModelKind> = std::to_array<EnumName<ModelKind>>(
    {{ModelKind::full, "full"}, {ModelKind::simplified, "simplified"}});

/// Generalised accelerations as drift + input·u: q̈ = drift + input·u (control-affine form).
struct ControlAffine {
  Eigen::Vector3d drift;
  Eigen::Vector3d input;
};

/// Linearisation ẋ ≈ a·x + b·u at the upright equilibrium (the LQR design model).
struct LinearModel {
  Eigen::Matrix<double, 6, 6> a;
  Eigen::Matrix<double, 6, 1> b;
};

/// The DIP plant: parameters plus the chosen right-hand side. Cheap to copy; all
/// member functions are const and thread-safe. The constructor validates the parameters.
class DipModel {
 public:
  DipModel(ModelKind kind, const DipParams& params);

  /// ẋ = f(x, u).
  State derivative(const State& x, double u) const noexcept;
  /// q̈ split into drift and input parts at state x (used by equivalent controls).
  ControlAffine control_affine(const State& x) const noexcept;
  /// Total mechanical energy ½q̇ᵀM q̇ + V of the `full` model (conserved when u = 0 and
  /// every friction is 0). Defined for both kinds; only `full` conserves it.
  double energy(const State& x) const noexcept;
  /// Jacobians of f at x = 0, u = 0.
  LinearModel linearize() const;

  ModelKind kind() const noexcept { return kind_; }
  const DipParams& params() const noexcept { return params_; }

 private:
  ModelKind kind_;
  DipParams params_;
  // Constants of the mass matrix and forcing, derived once from params_ (design.md).
  double m_total_, a_, b_, d_, j1_, j2_;
  // Products the right-hand side would otherwise form per evaluation (same rounding: the
  // expressions evaluate them first): a·g, b·g, 1/m_total (the first LDLᵀ pivot).
  double ag_, bg_, inv_m_total_;
};

}  // namespace simorch
