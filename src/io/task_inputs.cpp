#include "task_inputs.hpp"

#include <algorithm>

namespace simorch::io_detail {

void TaskInputs::resize(const StudyPlan& plan, const RowBlock& block, bool with_params) {
  const std::size_t n = block.size();
  initial_state.resize(n * 6);
  params.resize(with_params ? n * DipParams::count : 0);
  grid.resize(n * plan.axes().size());
  samples.resize(n);
  cases.resize(n);
  points.resize(n);
}

void TaskInputs::compute(const StudyPlan& plan, const RowBlock& block, std::size_t begin,
                         std::size_t end) {
  const std::size_t num_axes = plan.axes().size();
  const bool with_params = !params.empty();
  for (const RowBlock::Run& run : block.runs()) {
    const auto first_row = static_cast<std::size_t>(run.offset);
    const std::size_t from = std::max(begin, first_row);
    const std::size_t to = std::min(end, first_row + static_cast<std::size_t>(run.count));
    for (std::size_t i = from; i < to; ++i) {
      const std::uint64_t id = run.first + (i - first_row);
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

void TaskInputs::compute(const StudyPlan& plan, const RowBlock& block, bool with_params) {
  resize(plan, block, with_params);
  compute(plan, block, 0, block.size());
}

}  // namespace simorch::io_detail
