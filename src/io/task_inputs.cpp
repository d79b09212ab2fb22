#include "task_inputs.hpp"

#include <algorithm>

namespace simorch::io_detail {

void TaskInputs::compute(const StudyPlan& plan, const RowBlock& block, bool with_params) {
  const std::size_t n = block.size();
  const std::size_t num_axes = plan.axes().size();
  initial_state.resize(n * 6);
  params.resize(with_params ? n * DipParams::count : 0);
  grid.resize(n * num_axes);
  samples.resize(n);
  cases.resize(n);
  points.resize(n);
  for (const RowBlock::Run& run : block.runs()) {
    for (std::uint64_t r = 0; r < run.count; ++r) {
      const std::uint64_t id = run.first + r;
      const auto i = static_cast<std::size_t>(run.offset + r);
      const TaskCoordinates at = plan.coordinates(id);
      samples[i] = at.sample;
      cases[i] = static_cast<std::int32_t>(at.case_index);
      points[i] = at.point;
      if (num_axes > 0) plan.point_values(at.point, {&grid[i * num_axes], num_axes});
      const TaskSpec task = plan.make_task(id);
      std::copy_n(task.initial_state.data(), 6, &initial_state[i * 6]);
      if (with_params) {
        for (std::size_t c = 0; c < DipParams::count; ++c) {
          params[i * DipParams::count + c] = task.params.at(c);
        }
      }
    }
  }
}

}  // namespace simorch::io_detail
