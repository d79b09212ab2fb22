#pragma once

// Writes batch files by hand with the h5 wrappers and the schema's table rows, as
// docs/hdf5-schema.md lays them out, so the reader and the report are tested against the schema
// itself (and on files no writer would produce: foreign, newer, damaged).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "simorch/io/batch_schema.hpp"
#include "simorch/io/run_timing.hpp"
#include "simorch/sim/task.hpp"

namespace simorch::test {

/// What goes into a hand-made batch file.
struct BatchFixture {
  std::string format = "simorch-batch";
  std::int32_t format_version = batch_format_version;
  std::string study_canonical = "monte_carlo.tasks = 10\nmonte_carlo.seed = 7\n";
  std::string study_hash = "0123456789abcdef";
  std::string run_state = "complete";
  std::vector<TaskStatus> status;  ///< one per task; n_tasks = status.size()
  std::vector<std::uint8_t> success;
  std::vector<double> ise;             ///< one per task; the other metrics are derived
  std::vector<double> settling_time;   ///< one per task
  std::vector<double> failure_time_s;  ///< one per task, or empty for a file without it
  std::vector<SegmentTiming> segments;
  std::vector<std::string> error_messages;  ///< for the tasks with status error, in order
  bool has_timing_group = true;
};

/// Ten tasks: 8 completed (6 settled), 1 diverged, 1 error; ise = task id + 1; one
/// segment of 2 ranks × 2 threads.
BatchFixture ten_task_fixture();

/// Writes `fixture` to `path` (overwriting).
void write_batch_fixture(const std::filesystem::path& path, const BatchFixture& fixture);

}  // namespace simorch::test
