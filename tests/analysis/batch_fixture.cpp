#include "batch_fixture.hpp"

#include <cstddef>
#include <cstring>
#include <limits>
#include <span>

#include "batch_tables.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/file.hpp"

namespace simorch::test {
namespace {

using io_detail::ErrorRow;
using io_detail::RankRow;
using io_detail::SegmentRow;
using io_detail::table_type;
using io_detail::ThreadRow;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

template <class Row>
void write_table(const h5::Group& group, const char* name, const h5::Datatype& type,
                 const std::vector<Row>& rows) {
  auto dataset = group.create_dataset(name, type, {rows.size()});
  dataset.write_rows_raw(0, rows.size(), rows.data(), type);
}

template <class T>
void write_column(const h5::Group& group, const char* name, const std::vector<T>& values) {
  auto dataset = group.create_dataset(name, h5::native_type<T>(), {values.size()});
  dataset.template write_rows<T>(0, std::span<const T>(values));
}

}  // namespace

BatchFixture ten_task_fixture() {
  BatchFixture f;
  using S = TaskStatus;
  f.status = {S::completed, S::completed, S::completed, S::completed, S::completed,
              S::completed, S::completed, S::completed, S::diverged,  S::error};
  f.success = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
  for (int i = 0; i < 10; ++i) f.ise.push_back(i + 1.0);
  f.settling_time = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, nan, nan, nan, nan};
  f.failure_time_s = {nan, nan, nan, nan, nan, nan, nan, nan, 1.5, 0.5};
  f.error_messages = {"dp45 step fell below min_step 1e-12 at t = 0.5"};
  SegmentTiming s;
  s.wall_s = 10.0;
  s.setup_s = 0.5;
  s.finalize_s = 0.5;
  s.ranks = 2;
  s.threads_per_rank = 2;
  s.tasks_done = 10;
  s.rank_timing = {{0, "node-a", 2, 6, 17.0, 1.0, 0.1, 10.0, 6},
                   {1, "node-b", 2, 4, 15.0, 3.0, 0.2, 9.9, 4}};
  s.thread_timing = {{0, 0, 3, 9.0}, {0, 1, 3, 8.0}, {1, 0, 2, 8.0}, {1, 1, 2, 7.0}};
  f.segments = {s};
  return f;
}

void write_batch_fixture(const std::filesystem::path& path, const BatchFixture& f) {
  auto file = h5::File::create(path, true);
  const std::uint64_t n = f.status.size();
  std::uint64_t done = 0;
  for (TaskStatus s : f.status) done += s == TaskStatus::pending ? 0 : 1;
  h5::write_attribute(file, "format", f.format);
  h5::write_attribute(file, "format_version", f.format_version);
  h5::write_attribute(file, "simorch_version", "0.1.0");
  h5::write_attribute(file, "created", "2026-11-24T08:00:00Z");
  h5::write_attribute(file, "study", "monte_carlo:\n  samples: 10\n");
  h5::write_attribute(file, "study_canonical", f.study_canonical);
  h5::write_attribute(file, "study_hash", f.study_hash);
  h5::write_attribute(file, "seed", std::uint64_t{7});
  h5::write_attribute(file, "n_tasks", n);
  h5::write_attribute(file, "model", "full");
  h5::write_attribute(file, "controller", "classical_smc");
  h5::write_attribute(file, "integrator", "rk4");
  h5::write_attribute(file, "dt", 0.01);
  h5::write_attribute(file, "duration", 5.0);
  h5::write_attribute(file, "save_every", std::int64_t{0});
  h5::write_attribute(file, "run_state", f.run_state);
  h5::write_attribute(file, "tasks_done", done);

  const auto results = file.create_group("results");
  std::vector<std::int8_t> status;
  for (TaskStatus s : f.status) status.push_back(static_cast<std::int8_t>(s));
  write_column(results, "status", status);
  write_column(results, "success", f.success);
  write_column(results, "ise", f.ise);
  // Other metrics: simple functions of ise, so a test can predict their quantiles.
  std::vector<double> twice;
  for (double v : f.ise) twice.push_back(2.0 * v);
  for (const char* name :
       {"itae", "max_abs_theta1", "max_abs_theta2", "max_abs_x", "max_abs_u", "control_energy"})
    write_column(results, name, twice);
  write_column(results, "settling_time", f.settling_time);
  if (!f.failure_time_s.empty()) write_column(results, "failure_time_s", f.failure_time_s);
  write_column(results, "steps", std::vector<std::int64_t>(n, 500));
  write_column(results, "wall_time_s", std::vector<double>(n, 0.002));
  write_column(results, "rank", std::vector<std::int32_t>(n, 0));
  write_column(results, "thread", std::vector<std::int32_t>(n, 0));

  std::vector<ErrorRow> errors;
  std::size_t next_message = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    if (f.status[i] != TaskStatus::error || next_message >= f.error_messages.size()) continue;
    ErrorRow row{};
    row.task_id = i;
    row.status = static_cast<std::int8_t>(TaskStatus::error);
    std::strncpy(row.message, f.error_messages[next_message++].c_str(), sizeof row.message - 1);
    errors.push_back(row);
  }
  write_table(results, "errors", table_type(batch_table("/results/errors")), errors);

  if (!f.has_timing_group) return;
  const auto timing = file.create_group("timing");
  std::vector<SegmentRow> segments;
  std::vector<RankRow> ranks;
  std::vector<ThreadRow> threads;
  for (const SegmentTiming& s : f.segments) {
    const auto rows = io_detail::to_rows(s);
    segments.push_back(rows.segment);
    ranks.insert(ranks.end(), rows.ranks.begin(), rows.ranks.end());
    threads.insert(threads.end(), rows.threads.begin(), rows.threads.end());
  }
  const auto segment_type = table_type(batch_table("/timing/segments"));
  const auto rank_type = table_type(batch_table("/timing/ranks"));
  const auto thread_type = table_type(batch_table("/timing/threads"));
  write_table(timing, "segments", segment_type, segments);
  write_table(timing, "ranks", rank_type, ranks);
  write_table(timing, "threads", thread_type, threads);
}

}  // namespace simorch::test
