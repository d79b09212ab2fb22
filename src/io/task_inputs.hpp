#pragma once

// The /tasks rows of a block: each task's initial state, plant parameters, sample, case,
// grid point and grid values, regenerated from (plan, task id) rather than sent with the
// results. The draws are the writer's largest per-task cost, so BatchWriter splits a
// block's rows between its calling thread and its HDF5 stage (row_write_stage.hpp).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "row_block.hpp"
#include "simorch/study/study_plan.hpp"

namespace simorch::io_detail {

struct TaskInputs {
  std::vector<double> initial_state;  ///< size()·6, block order
  std::vector<double> params;         ///< size()·DipParams::count, or empty without /tasks/params
  std::vector<double> grid;           ///< size()·A grid values
  std::vector<std::uint64_t> samples, points;
  std::vector<std::int32_t> cases;

  /// Sizes the rows for `block`; `with_params` as the file has /tasks/params.
  void resize(const StudyPlan& plan, const RowBlock& block, bool with_params);
  /// Fills rows [begin, end) of `block` (block order), after resize(). Disjoint ranges
  /// may be filled by different threads.
  void compute(const StudyPlan& plan, const RowBlock& block, std::size_t begin, std::size_t end);
  /// resize() and every row.
  void compute(const StudyPlan& plan, const RowBlock& block, bool with_params);
};

}  // namespace simorch::io_detail
