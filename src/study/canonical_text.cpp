#include <fmt/core.h>

#include <array>
#include <string>

#include "simorch/study/study.hpp"

namespace simorch {
namespace {

// Bumped whenever a line is added or its meaning changes, so that old hashes never
// match a study whose results would differ.
constexpr int canonical_version = 1;

/// Appends "key = value\n"; fmt's "{}" prints the shortest text that reads back to the
/// same double, so equal text means bitwise-equal settings.
class Lines {
 public:
  template <class T>
  void add(std::string_view key, const T& value) {
    text_ += fmt::format("{} = {}\n", key, value);
  }
  void add_list(std::string_view key, const double* values, std::size_t count) {
    text_ += fmt::format("{} = [", key);
    for (std::size_t i = 0; i < count; ++i) text_ += fmt::format("{}{}", i ? ", " : "", values[i]);
    text_ += "]\n";
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ULL) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

/// Hash of the initial-state rows' bytes: the rows determine the results, not the file
/// name, so a moved or renamed file still matches.
std::uint64_t rows_hash(const std::vector<State>& states) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const State& state : states) {
    for (Eigen::Index i = 0; i < 6; ++i) hash = fnv1a(fmt::format("{},", state(i)), hash);
  }
  return hash;
}

void add_controller(Lines& lines, const ControllerConfig& c) {
  lines.add("controller", to_string(c.kind));
  lines.add_list("controller.gains", c.gains.data(), c.gains.size());
  lines.add("controller.max_force", c.max_force);
  lines.add("controller.boundary_layer", c.boundary_layer);
  lines.add("controller.enable_equivalent", c.enable_equivalent);
  lines.add("controller.damping_gain", c.damping_gain);
  lines.add("controller.alpha", c.alpha);
  lines.add("controller.leak_rate", c.leak_rate);
  lines.add("controller.dead_zone", c.dead_zone);
  lines.add("controller.adapt_rate_limit", c.adapt_rate_limit);
  lines.add("controller.K_min", c.k_min);
  lines.add("controller.K_max", c.k_max);
  lines.add("controller.K_init", c.k_init);
  lines.add_list("controller.q", c.q.data(), c.q.size());
  lines.add("controller.r", c.r);
  lines.add_list("controller.sequence", c.sequence.data(), c.sequence.size());
  // Lines for the later laws only when they are chosen, so the text (and hash) of a
  // study with one of the first five laws is unchanged.
  switch (c.kind) {
    case ControllerKind::hybrid_adaptive_sta_smc:
      lines.add("controller.k1_init", c.k1_init);
      lines.add("controller.k2_init", c.k2_init);
      lines.add("controller.gamma1", c.gamma1);
      lines.add("controller.gamma2", c.gamma2);
      lines.add("controller.gain_leak", c.gain_leak);
      lines.add("controller.sat_soft_width", c.sat_soft_width);
      break;
    case ControllerKind::conditional_hybrid:
      lines.add("controller.gamma1", c.gamma1);
      lines.add("controller.gamma2", c.gamma2);
      lines.add("controller.angle_threshold", c.angle_threshold);
      lines.add("controller.surface_threshold", c.surface_threshold);
      lines.add("controller.B_eq_threshold", c.b_eq_threshold);
      lines.add("controller.w_angle", c.w_angle);
      lines.add("controller.w_surface", c.w_surface);
      lines.add("controller.w_singularity", c.w_singularity);
      lines.add("controller.epsilon_min", c.epsilon_min);
      break;
    case ControllerKind::swing_up_smc:
      lines.add("controller.switch_energy_factor", c.switch_energy_factor);
      lines.add("controller.switch_angle_tolerance", c.switch_angle_tolerance);
      lines.add("controller.exit_energy_factor", c.exit_energy_factor);
      lines.add("controller.reentry_angle_tolerance", c.reentry_angle_tolerance);
      if (c.stabilizer) {
        lines.add("controller.stabilizer", to_string(c.stabilizer->kind));
        Lines inner;
        add_controller(inner, *c.stabilizer);
        lines.add("controller.stabilizer.text_fnv1a", fmt::format("{:016x}", fnv1a(inner.take())));
      }
      break;
    case ControllerKind::mpc_controller:
      lines.add("controller.horizon", c.horizon);
      lines.add("controller.q_x", c.q_x);
      lines.add("controller.q_theta", c.q_theta);
      lines.add("controller.r_u", c.r_u);
      break;
    default:
      break;
  }
}

}  // namespace

std::string canonical_text(const Study& study) {
  Lines lines;
  lines.add("simorch_study_canonical", canonical_version);
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    lines.add(fmt::format("physics.{}", DipParams::names[i]), study.nominal.at(i));
  }
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    lines.add(fmt::format("physics_uncertainty.{}", DipParams::names[i]),
              study.uncertainty.fraction[i]);
  }
  const SimConfig& sim = study.sim;
  lines.add("simulation.model", to_string(sim.model));
  lines.add("simulation.integrator", to_string(sim.integrator.kind));
  lines.add("simulation.rtol", sim.integrator.rtol);
  lines.add("simulation.atol", sim.integrator.atol);
  lines.add("simulation.min_step", sim.integrator.min_step);
  lines.add("simulation.dt", sim.dt);
  lines.add("simulation.duration", sim.duration);
  lines.add("simulation.bounds.max_abs_x", sim.bounds.max_abs_x);
  lines.add("simulation.bounds.max_abs_theta", sim.bounds.max_abs_theta);
  lines.add("simulation.bounds.max_abs_velocity", sim.bounds.max_abs_velocity);
  lines.add("simulation.settle_tolerance", sim.settle_tolerance);
  // save_every shapes /trajectories, which are results too; the output path is not.
  lines.add("output.save_every", sim.save_every);
  add_controller(lines, study.controller);
  lines.add("monte_carlo.tasks", study.num_tasks());
  lines.add("monte_carlo.seed", study.monte_carlo.seed);
  // Only when not the default, so the hash of a study written before designs existed (and
  // so --resume of its file) stays the same.
  if (study.monte_carlo.sampling != SamplingKind::random) {
    lines.add("monte_carlo.sampling", to_string(study.monte_carlo.sampling));
  }
  if (const StopRule& stop = study.monte_carlo.stop; stop.is_active()) {
    lines.add("monte_carlo.stop.success_ci_half_width", stop.half_width);
    lines.add("monte_carlo.stop.confidence", stop.confidence);
    lines.add("monte_carlo.stop.min_samples", stop.min_samples);
    lines.add("monte_carlo.stop.check_every", stop.check_every);
  }
  const InitialStateSpec& initial = study.initial_state;
  lines.add("monte_carlo.initial_state.distribution", to_string(initial.kind));
  if (initial.kind == InitialStateKind::file) {
    lines.add("monte_carlo.initial_state.rows", initial.states.size());
    lines.add("monte_carlo.initial_state.rows_fnv1a",
              fmt::format("{:016x}", rows_hash(initial.states)));
  } else {
    lines.add_list("monte_carlo.initial_state.nominal", initial.nominal.data(), 6);
    lines.add_list("monte_carlo.initial_state.spread", initial.spread.data(), 6);
  }
  return lines.take();
}

std::string text_hash(std::string_view text) {
  return fmt::format("{:016x}", fnv1a(text));
}

std::string study_hash(const Study& study) {
  return text_hash(canonical_text(study));
}

}  // namespace simorch
