#include "simorch/model/dip_model.hpp"

#include <Eigen/Dense>
#include <cmath>

namespace simorch {
namespace {

/// Upper triangle of a symmetric 3×3 mass matrix.
struct Sym3 {
  double m00, m01, m02, m11, m12, m22;
};

/// LDLᵀ factors of a Sym3 (unit lower L, diagonal D kept as reciprocals). The mass
/// matrices here are symmetric positive definite, so no pivoting is needed; LDLᵀ rather
/// than Cholesky avoids the square roots.
struct Ldlt3 {
  double l10, l20, l21, inv_d0, inv_d1, inv_d2;

  /// `inv_m00` = 1 / m.m00, known in advance (m00 is the total mass for both models).
  Ldlt3(const Sym3& m, double inv_m00) noexcept {
    inv_d0 = inv_m00;
    l10 = m.m01 * inv_d0;
    l20 = m.m02 * inv_d0;
    const double d1 = m.m11 - l10 * m.m01;
    inv_d1 = 1.0 / d1;
    l21 = (m.m12 - l20 * m.m01) * inv_d1;
    const double d2 = m.m22 - l20 * m.m02 - l21 * l21 * d1;
    inv_d2 = 1.0 / d2;
  }

  Eigen::Vector3d solve(double f0, double f1, double f2) const noexcept {
    const double y1 = f1 - l10 * f0;
    const double y2 = f2 - l20 * f0 - l21 * y1;
    const double q2 = y2 * inv_d2;
    const double q1 = y1 * inv_d1 - l21 * q2;
    const double q0 = f0 * inv_d0 - l10 * q1 - l20 * q2;
    return {q0, q1, q2};
  }
};

/// The trigonometric terms one evaluation needs: two sin/cos pairs, and the difference
/// angle from the addition theorems instead of two more trig calls (design.md).
struct Trig {
  double s1, c1, s2, c2, s12, c12;

  explicit Trig(const State& x) noexcept
      : s1(std::sin(x[theta1])),
        c1(std::cos(x[theta1])),
        s2(std::sin(x[theta2])),
        c2(std::cos(x[theta2])),
        s12(s1 * c2 - c1 * s2),
        c12(c1 * c2 + s1 * s2) {}
};

/// Generalised forces (right-hand side of M q̈ = f) without the input u, and the mass
/// matrix, at state x.
struct Dynamics {
  Sym3 mass;
  double f0, f1, f2;
};

/// DipModel's derived constants, read after the trig calls (see derivative()).
struct Constants {
  double m_total, a, b, d, j1, j2, ag, bg;
};

}  // namespace

DipModel::DipModel(ModelKind kind, const DipParams& params) : kind_(kind), params_(params) {
  validate(params_);
  const DipParams& p = params_;
  m_total_ = p.cart_mass + p.pendulum1_mass + p.pendulum2_mass;
  a_ = p.pendulum1_mass * p.pendulum1_com + p.pendulum2_mass * p.pendulum1_length;
  b_ = p.pendulum2_mass * p.pendulum2_com;
  d_ = p.pendulum2_mass * p.pendulum1_length * p.pendulum2_com;
  j1_ = p.pendulum1_mass * p.pendulum1_com * p.pendulum1_com +
        p.pendulum2_mass * p.pendulum1_length * p.pendulum1_length + p.pendulum1_inertia;
  j2_ = p.pendulum2_mass * p.pendulum2_com * p.pendulum2_com + p.pendulum2_inertia;
  ag_ = a_ * p.gravity;
  bg_ = b_ * p.gravity;
  inv_m_total_ = 1.0 / m_total_;
}

namespace {

/// `full`: Lagrangian of cart + two rigid links with absolute angles from upright
/// (design.md, "Physics"). Viscous friction −c·q̇ on each coordinate only removes energy.
[[gnu::always_inline]] inline Dynamics full_dynamics(const Trig& t, const State& x,
                                                     const DipParams& p,
                                                     const Constants& c) noexcept {
  const double v = x[x_dot];
  const double w1 = x[theta1_dot];
  const double w2 = x[theta2_dot];
  Dynamics dyn;
  dyn.mass = {c.m_total, c.a * t.c1, c.b * t.c2, c.j1, c.d * t.c12, c.j2};
  dyn.f0 = c.a * t.s1 * w1 * w1 + c.b * t.s2 * w2 * w2 - p.cart_friction * v;
  dyn.f1 = -c.d * t.s12 * w2 * w2 + c.ag * t.s1 - p.joint1_friction * w1;
  dyn.f2 = c.d * t.s12 * w1 * w1 + c.bg * t.s2 - p.joint2_friction * w2;
  return dyn;
}

/// `simplified`: dip-smc-pso's SimplifiedDIPDynamics (commit 4b37532e8a2e), checked against
/// reference/seed-simplified-rhs.json. M q̈ = [u,0,0] − C q̇ − G with the seed's own M, C, G;
/// C q̇ is formed entry by entry as the seed does so the rounding matches its output.
[[gnu::always_inline]] inline Dynamics simplified_dynamics(const Trig& t, const State& x,
                                                           const DipParams& p,
                                                           const Constants& c) noexcept {
  const double v = x[x_dot];
  const double w1 = x[theta1_dot];
  const double w2 = x[theta2_dot];
  const double a = c.a;
  const double b = c.b;
  const double d = c.d;
  const double m01 = 0.5 * (a * t.c1 + b * t.c2);
  Dynamics dyn;
  dyn.mass = {c.m_total, m01, 0.5 * b * t.c2, c.j1 + c.j2, 0.8 * c.j2, c.j2};
  const double c01 = -a * t.s1 * w1 - b * t.s2 * w2;
  const double c02 = -b * t.s2 * w2;
  const double c11 = p.joint1_friction - d * t.s12 * w2;
  const double c12 = -d * t.s12 * w2;
  const double c21 = d * t.s12 * w1;
  // −a·g·s1 is (−a·g)·s1 = −(a·g)·s1 exactly: the precomputed a·g keeps the seed's rounding.
  const double g1 = -c.ag * t.s1 - c.bg * t.s2;
  const double g2 = -c.bg * t.s2;
  dyn.f0 = -(p.cart_friction * v + c01 * w1 + c02 * w2);
  dyn.f1 = -(c11 * w1 + c12 * w2) - g1;
  dyn.f2 = -(c21 * w1 + p.joint2_friction * w2) - g2;
  return dyn;
}

}  // namespace

namespace {

[[gnu::always_inline]] inline Dynamics dynamics(ModelKind kind, const Trig& t, const State& x,
                                                const DipParams& p, const Constants& c) noexcept {
  return kind == ModelKind::full ? full_dynamics(t, x, p, c) : simplified_dynamics(t, x, p, c);
}

}  // namespace

State DipModel::derivative(const State& x, double u) const noexcept {
  // sin/cos first and the constants after: nothing is live across the two calls but x and
  // this, so nothing is spilled around them (bench/README.md, instructions per RK4 step).
  const Trig t(x);
  const Dynamics dyn = dynamics(kind_, t, x, params_, {m_total_, a_, b_, d_, j1_, j2_, ag_, bg_});
  const Eigen::Vector3d qdd = Ldlt3(dyn.mass, inv_m_total_).solve(dyn.f0 + u, dyn.f1, dyn.f2);
  State xdot;
  xdot << x[x_dot], x[theta1_dot], x[theta2_dot], qdd[0], qdd[1], qdd[2];
  return xdot;
}

ControlAffine DipModel::control_affine(const State& x) const noexcept {
  const Trig t(x);
  const Dynamics dyn = dynamics(kind_, t, x, params_, {m_total_, a_, b_, d_, j1_, j2_, ag_, bg_});
  const Ldlt3 factors(dyn.mass, inv_m_total_);
  return {factors.solve(dyn.f0, dyn.f1, dyn.f2), factors.solve(1.0, 0.0, 0.0)};
}

double DipModel::energy(const State& x) const noexcept {
  // Always the physical (full-model) energy: for `simplified` it is a diagnostic only.
  const Trig t(x);
  const double v = x[x_dot];
  const double w1 = x[theta1_dot];
  const double w2 = x[theta2_dot];
  const double kinetic = 0.5 * (m_total_ * v * v + j1_ * w1 * w1 + j2_ * w2 * w2) +
                         a_ * t.c1 * v * w1 + b_ * t.c2 * v * w2 + d_ * t.c12 * w1 * w2;
  const double potential = params_.gravity * (a_ * t.c1 + b_ * t.c2);
  return kinetic + potential;
}

LinearModel DipModel::linearize() const {
  // At x = 0 every velocity product vanishes to first order, so the linear part is
  // M0 q̈ = K q + D q̇ + e0 u with M0 = M(0); K and D read off the forcing of each kind.
  const DipParams& p = params_;
  const double g = p.gravity;
  Eigen::Matrix3d m0;
  Eigen::Matrix3d k = Eigen::Matrix3d::Zero();
  if (kind_ == ModelKind::full) {
    m0 << m_total_, a_, b_, a_, j1_, d_, b_, d_, j2_;
    k(1, 1) = a_ * g;
    k(2, 2) = b_ * g;
  } else {
    const double m01 = 0.5 * (a_ + b_);
    m0 << m_total_, m01, 0.5 * b_, m01, j1_ + j2_, 0.8 * j2_, 0.5 * b_, 0.8 * j2_, j2_;
    // −G linearised: [0, a·g·θ1 + b·g·θ2, b·g·θ2].
    k(1, 1) = a_ * g;
    k(1, 2) = b_ * g;
    k(2, 2) = b_ * g;
  }
  const Eigen::Matrix3d damping =
      Eigen::Vector3d(-p.cart_friction, -p.joint1_friction, -p.joint2_friction).asDiagonal();
  const auto solver = m0.ldlt();
  LinearModel lin;
  lin.a.setZero();
  lin.a.topRightCorner<3, 3>().setIdentity();
  lin.a.bottomLeftCorner<3, 3>() = solver.solve(k);
  lin.a.bottomRightCorner<3, 3>() = solver.solve(damping);
  lin.b.setZero();
  lin.b.tail<3>() = solver.solve(Eigen::Vector3d::UnitX());
  return lin;
}

}  // namespace simorch
