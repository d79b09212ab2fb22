#include "simorch/study/make_task.hpp"

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
  for (std::size_t i = 0; i < DipParams::count; ++i) {
    const double u = stream.next_uniform();
    // Same expression as the worst-case corners of check_worst_case(), which therefore
    // bound every draw.
    params.at(i) = study.nominal.at(i) * (1.0 + study.uncertainty.fraction[i] * (2.0 * u - 1.0));
  }
  return params;
}

}  // namespace

TaskSpec make_task(const Study& study, std::uint64_t id) {
  if (id >= study.num_tasks()) {
    throw Error("make_task: task id " + std::to_string(id) + " out of range [0, " +
                std::to_string(study.num_tasks()) + ")");
  }
  TaskSpec task;
  task.id = id;
  task.initial_state = draw_initial_state(study, id);
  task.params = draw_params(study, id);
  return task;
}

}  // namespace simorch
