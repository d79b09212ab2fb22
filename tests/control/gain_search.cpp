// Offline random search for sliding-mode gains that balance the nominal `full` plant and
// tolerate parameter errors. Not a test: it produced the gains that smc_test.cpp checks
// and docs/controllers.md lists. Run: control_gain_search <kind> [samples] [seed]
// (about a minute for 300000 samples on one core).

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <string>

#include "closed_loop.hpp"
#include "simorch/control/controller.hpp"

namespace {

using simorch::ControllerConfig;
using simorch::ControllerKind;
using simorch::DipModel;
using simorch::DipParams;

/// Largest real part of the ideal sliding motion on s = c·x, ignoring the three
/// eigenvalues that are zero by construction (see smc_test.cpp); +inf when unstable.
double slowest_sliding_mode(const simorch::LinearModel& plant, double a1, double a2, double r1,
                            double r2) {
  Eigen::Matrix<double, 1, 6> c;
  c << 0.0, a1, a2, 0.0, r1, r2;
  const double cb = c * plant.b;
  if (std::abs(cb) < 1e-9) return INFINITY;
  const Eigen::Matrix<double, 6, 6> sliding =
      (Eigen::Matrix<double, 6, 6>::Identity() - plant.b * c / cb) * plant.a;
  const Eigen::EigenSolver<Eigen::Matrix<double, 6, 6>> solver(sliding, false);
  double slowest = -INFINITY;
  for (Eigen::Index i = 0; i < 6; ++i) {
    const double re = solver.eigenvalues()[i].real();
    if (re > 1e-6) return INFINITY;
    if (re < -1e-6) slowest = std::max(slowest, re);
  }
  return slowest;
}

struct Score {
  bool is_settled = false;
  double settling_s = 0.0;
  double max_cart = 0.0;
  bool saturates = false;
};

Score score(const ControllerConfig& config, const DipModel& design, const DipModel& plant,
            double dt_s, double duration_s) {
  const auto controller = simorch::make_controller(config, design);
  const auto run = simorch::test::run_closed_loop(*controller, plant, simorch::test::tilted_start(),
                                                  dt_s, duration_s);
  Score s;
  s.is_settled = run.stayed_up && run.max_angle_after(5.0) <= 0.01;
  s.settling_s = run.settling_time(0.01);
  s.max_cart = run.max_abs_cart();
  s.saturates = run.max_abs_force() >= config.max_force;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <classical_smc|sta_smc|adaptive_smc> [samples] [seed]\n",
                 argv[0]);
    return 2;
  }
  const std::string kind = argv[1];
  const long samples = argc > 2 ? std::atol(argv[2]) : 300000;
  const unsigned seed = argc > 3 ? static_cast<unsigned>(std::atol(argv[3])) : 1u;
  const DipModel nominal = simorch::test::nominal_full_plant();
  const simorch::LinearModel linear = nominal.linearize();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto log_uniform = [&](double lo, double hi) {
    return std::pow(10.0, std::log10(lo) + unit(rng) * (std::log10(hi) - std::log10(lo)));
  };

  double best = INFINITY;
  for (long sample = 0; sample < samples; ++sample) {
    // Surface weights: k1 > 0 > k2 and positive per-link slopes λ (docs/controllers.md
    // explains why the second link's weight must be negative).
    const double k1 = log_uniform(0.1, 50.0);
    const double k2 = -log_uniform(0.1, 100.0);
    const double lambda1 = log_uniform(0.1, 50.0);
    const double lambda2 = log_uniform(0.1, 50.0);
    ControllerConfig config;
    if (kind == "classical_smc") {
      config.kind = ControllerKind::classical_smc;
      const double switching = log_uniform(0.1, 100.0);
      const double linear_gain = log_uniform(0.01, 100.0);
      config.gains = {k1, k2, k1 * lambda1, k2 * lambda2, switching, linear_gain};
    } else if (kind == "sta_smc") {
      config.kind = ControllerKind::sta_smc;
      const double k_twist = log_uniform(0.1, 100.0);
      const double k_integral = log_uniform(0.1, 100.0);
      config.gains = {k_twist, k_integral, k1, k2, lambda1, lambda2};
    } else if (kind == "adaptive_smc") {
      config.kind = ControllerKind::adaptive_smc;
      config.gains = {k1, k2, lambda1, lambda2, log_uniform(0.1, 100.0)};
    } else {
      std::fprintf(stderr, "unknown kind '%s'\n", kind.c_str());
      return 2;
    }
    const double slowest = slowest_sliding_mode(linear, k1 * lambda1, k2 * lambda2, k1, k2);
    if (!(slowest < -0.3)) continue;

    try {
      const Score coarse = score(config, nominal, nominal, 0.01, 8.0);
      if (!coarse.is_settled) continue;
      const Score fine = score(config, nominal, nominal, 0.001, 20.0);
      if (!fine.is_settled || fine.max_cart > 2.0) continue;
      // Robustness: the same 30 plants with every parameter but gravity off by up to ±20 %.
      int robust = 0;
      std::mt19937 plant_rng(7);
      std::uniform_real_distribution<double> factor(0.8, 1.2);
      for (int i = 0; i < 30; ++i) {
        DipParams params;
        for (std::size_t j = 0; j < DipParams::count; ++j) {
          if (DipParams::names[j] != "gravity") params.at(j) *= factor(plant_rng);
        }
        params.pendulum1_com = std::min(params.pendulum1_com, params.pendulum1_length);
        params.pendulum2_com = std::min(params.pendulum2_com, params.pendulum2_length);
        if (score(config, nominal, DipModel(simorch::ModelKind::full, params), 0.01, 8.0)
                .is_settled) {
          ++robust;
        }
      }
      const double cost = -10.0 * robust + std::max(coarse.settling_s, fine.settling_s) +
                          2.0 * std::max(coarse.max_cart, fine.max_cart) +
                          (coarse.saturates ? 1.0 : 0.0);
      if (cost < best) {
        best = cost;
        std::printf("robust %2d/30 settle %.2f s max|x| %.3f m slowest sliding mode %.3f gains",
                    robust, std::max(coarse.settling_s, fine.settling_s),
                    std::max(coarse.max_cart, fine.max_cart), slowest);
        for (double g : config.gains) std::printf(" %.6g", g);
        std::printf("\n");
        std::fflush(stdout);
      }
    } catch (const std::exception&) {
      continue;  // e.g. a surface the force cannot move at upright
    }
  }
  return 0;
}
