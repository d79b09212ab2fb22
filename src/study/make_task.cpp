#include "simorch/study/make_task.hpp"

#include <array>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <numbers>
#include <string>

#include "philox_stream.hpp"
#include "simorch/error.hpp"

namespace simorch {
namespace {

State draw_initial_state(const Study& study, std::uint64_t id) {
  const InitialStateSpec& spec = study.initial_state;
  State state = spec.nominal;
  switch (spec.kind) {
    case InitialStateKind::fixed:
      break;
    case InitialStateKind::file:
      state = spec.states[id];
      break;
    case InitialStateKind::uniform: {
      study_detail::PhiloxStream stream(study.monte_carlo.seed, id,
                                        study_detail::StreamPurpose::initial_state);
      for (Eigen::Index i = 0; i < 6; ++i) {
        state(i) += spec.spread[static_cast<std::size_t>(i)] * (2.0 * stream.next_uniform() - 1.0);
      }
      break;
    }
    case InitialStateKind::normal: {
      study_detail::PhiloxStream stream(study.monte_carlo.seed, id,
                                        study_detail::StreamPurpose::initial_state);
      for (Eigen::Index i = 0; i < 6; i += 2) {
        double z0 = 0.0;
        double z1 = 0.0;
        stream.next_normal_pair(z0, z1);
        state(i) += spec.spread[static_cast<std::size_t>(i)] * z0;
        state(i + 1) += spec.spread[static_cast<std::size_t>(i + 1)] * z1;
      }
      break;
    }
  }
  return state;
}

DipParams draw_params(const Study& study, std::uint64_t id) {
  DipParams params = study.nominal;
  if (!study.uncertainty.is_active()) return params;
  study_detail::PhiloxStream stream(study.monte_carlo.seed, id,
                                    study_detail::StreamPurpose::parameters);
  // One draw per parameter whether or not it varies, so that making one parameter
  // uncertain does not change the draws of the others.
  const auto draws = stream.next_uniforms<DipParams::count>();
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    const double u = draws[i];
    // Same expression as the worst-case corners of check_worst_case(), which therefore
    // bound every draw.
    params.at(i) = study.nominal.at(i) * (1.0 + study.uncertainty.fraction[i] * (2.0 * u - 1.0));
  }
  return params;
}

bool has_random_initial_state(const InitialStateSpec& spec) {
  return spec.kind == InitialStateKind::uniform || spec.kind == InitialStateKind::normal;
}

// The dimensions a design samples, in a fixed order: the initial-state components with a
// spread, then the uncertain parameters. Components without spread take no dimension, so
// the design's balance is spent on what varies.
std::size_t count_sampled_dims(const Study& study) {
  std::size_t dims = 0;
  if (has_random_initial_state(study.initial_state)) {
    for (const double spread : study.initial_state.spread) dims += spread > 0.0 ? 1 : 0;
  }
  for (const double fraction : study.uncertainty.fraction) dims += fraction > 0.0 ? 1 : 0;
  return dims;
}

// Standard normal quantile of u, with u kept inside (0, 1) so the tails stay finite.
double normal_quantile(double u) {
  constexpr double tail = 0x1p-53;
  const double p = std::fmin(std::fmax(u, tail), 1.0 - tail);
  return std::numbers::sqrt2 * boost::math::erf_inv(2.0 * p - 1.0);
}

// Task `id` from point `id` of a stratified design (lhs, sobol): the same transforms as
// the plain draws above (uniform half-widths, normal standard deviations, parameter
// fractions), applied to the design's coordinates.
TaskSpec make_designed_task(const Study& study, std::uint64_t id) {
  const std::size_t dims = count_sampled_dims(study);
  std::array<double, SamplingDesign::max_dims> u{};
  if (dims > 0) {
    const SamplingDesign design(study.monte_carlo.sampling, study.monte_carlo.seed, dims,
                                study.num_tasks());
    design.point(id, std::span<double>(u.data(), dims));
  }
  std::size_t next = 0;
  TaskSpec task;
  task.id = id;
  const InitialStateSpec& spec = study.initial_state;
  task.initial_state = spec.kind == InitialStateKind::file ? spec.states[id] : spec.nominal;
  if (has_random_initial_state(spec)) {
    for (Eigen::Index i = 0; i < 6; ++i) {
      const double spread = spec.spread[static_cast<std::size_t>(i)];
      if (!(spread > 0.0)) continue;
      const double v = u[next++];
      task.initial_state(i) +=
          spread * (spec.kind == InitialStateKind::uniform ? 2.0 * v - 1.0 : normal_quantile(v));
    }
  }
  task.params = study.nominal;
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    const double fraction = study.uncertainty.fraction[i];
    if (!(fraction > 0.0)) continue;
    task.params.at(i) = study.nominal.at(i) * (1.0 + fraction * (2.0 * u[next++] - 1.0));
  }
  return task;
}

}  // namespace

TaskSpec make_task(const Study& study, std::uint64_t id) {
  if (id >= study.num_tasks()) {
    throw Error("make_task: task id " + std::to_string(id) + " out of range [0, " +
                std::to_string(study.num_tasks()) + ")");
  }
  if (study.monte_carlo.sampling != SamplingKind::random) return make_designed_task(study, id);
  TaskSpec task;
  task.id = id;
  task.initial_state = draw_initial_state(study, id);
  task.params = draw_params(study, id);
  return task;
}

}  // namespace simorch
