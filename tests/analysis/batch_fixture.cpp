#include "batch_fixture.hpp"

#include <cstddef>
#include <cstring>
#include <limits>
#include <span>

#include "simorch/h5/attribute.hpp"
#include "simorch/h5/file.hpp"

namespace simorch::test {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct SegmentRow {
  std::int32_t segment;
  double start_unix_s, end_unix_s, wall_s, setup_s, finalize_s;
  std::int32_t ranks, threads_per_rank;
  std::uint64_t tasks_done;
  std::int8_t outcome;
};

struct RankRow {
  std::int32_t segment, rank;
  char host[64];
  std::int32_t threads;
  std::uint64_t tasks;
  double compute_s, idle_s, comm_s, wall_s;
};

struct ThreadRow {
  std::int32_t segment, rank, thread;
  std::uint64_t tasks;
  double busy_s;
};

struct ErrorRow {
  std::uint64_t task_id;
  std::int8_t status;
  char message[96];
};

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
  f.error_messages = {"dp45 step fell below min_step 1e-12 at t = 0.5"};
  SegmentTiming s;
  s.wall_s = 10.0;
  s.setup_s = 0.5;
  s.finalize_s = 0.5;
  s.ranks = 2;
  s.threads_per_rank = 2;
  s.tasks_done = 10;
  s.rank_timing = {{0, "node-a", 2, 6, 17.0, 1.0, 0.1, 10.0},
                   {1, "node-b", 2, 4, 15.0, 3.0, 0.2, 9.9}};
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
  write_column(results, "steps", std::vector<std::int64_t>(n, 500));
  write_column(results, "wall_time_s", std::vector<double>(n, 0.002));
  write_column(results, "rank", std::vector<std::int32_t>(n, 0));
  write_column(results, "thread", std::vector<std::int32_t>(n, 0));

  const auto error_type =
      h5::CompoundBuilder(sizeof(ErrorRow))
          .add("task_id", offsetof(ErrorRow, task_id), h5::native_type<std::uint64_t>())
          .add("status", offsetof(ErrorRow, status), h5::native_type<std::int8_t>())
          .add("message", offsetof(ErrorRow, message), h5::fixed_string_type(96))
          .build();
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
  write_table(results, "errors", error_type, errors);

  if (!f.has_timing_group) return;
  const auto timing = file.create_group("timing");
  std::vector<SegmentRow> segments;
  std::vector<RankRow> ranks;
  std::vector<ThreadRow> threads;
  for (const SegmentTiming& s : f.segments) {
    segments.push_back({s.segment, s.start_unix_s, s.end_unix_s, s.wall_s, s.setup_s, s.finalize_s,
                        s.ranks, s.threads_per_rank, s.tasks_done,
                        static_cast<std::int8_t>(s.outcome)});
    for (const RankTiming& r : s.rank_timing) {
      RankRow row{};
      row.segment = s.segment;
      row.rank = r.rank;
      std::strncpy(row.host, r.host.c_str(), sizeof row.host - 1);
      row.threads = r.threads;
      row.tasks = r.tasks;
      row.compute_s = r.compute_s;
      row.idle_s = r.idle_s;
      row.comm_s = r.comm_s;
      row.wall_s = r.wall_s;
      ranks.push_back(row);
    }
    for (const ThreadTiming& t : s.thread_timing)
      threads.push_back({s.segment, t.rank, t.thread, t.tasks, t.busy_s});
  }
  const auto i32 = h5::native_type<std::int32_t>();
  const auto u64 = h5::native_type<std::uint64_t>();
  const auto f64 = h5::native_type<double>();
  const auto segment_type =
      h5::CompoundBuilder(sizeof(SegmentRow))
          .add("segment", offsetof(SegmentRow, segment), i32)
          .add("start_unix_s", offsetof(SegmentRow, start_unix_s), f64)
          .add("end_unix_s", offsetof(SegmentRow, end_unix_s), f64)
          .add("wall_s", offsetof(SegmentRow, wall_s), f64)
          .add("setup_s", offsetof(SegmentRow, setup_s), f64)
          .add("finalize_s", offsetof(SegmentRow, finalize_s), f64)
          .add("ranks", offsetof(SegmentRow, ranks), i32)
          .add("threads_per_rank", offsetof(SegmentRow, threads_per_rank), i32)
          .add("tasks_done", offsetof(SegmentRow, tasks_done), u64)
          .add("outcome", offsetof(SegmentRow, outcome), h5::native_type<std::int8_t>())
          .build();
  const auto rank_type = h5::CompoundBuilder(sizeof(RankRow))
                             .add("segment", offsetof(RankRow, segment), i32)
                             .add("rank", offsetof(RankRow, rank), i32)
                             .add("host", offsetof(RankRow, host), h5::fixed_string_type(64))
                             .add("threads", offsetof(RankRow, threads), i32)
                             .add("tasks", offsetof(RankRow, tasks), u64)
                             .add("compute_s", offsetof(RankRow, compute_s), f64)
                             .add("idle_s", offsetof(RankRow, idle_s), f64)
                             .add("comm_s", offsetof(RankRow, comm_s), f64)
                             .add("wall_s", offsetof(RankRow, wall_s), f64)
                             .build();
  const auto thread_type = h5::CompoundBuilder(sizeof(ThreadRow))
                               .add("segment", offsetof(ThreadRow, segment), i32)
                               .add("rank", offsetof(ThreadRow, rank), i32)
                               .add("thread", offsetof(ThreadRow, thread), i32)
                               .add("tasks", offsetof(ThreadRow, tasks), u64)
                               .add("busy_s", offsetof(ThreadRow, busy_s), f64)
                               .build();
  write_table(timing, "segments", segment_type, segments);
  write_table(timing, "ranks", rank_type, ranks);
  write_table(timing, "threads", thread_type, threads);
}

}  // namespace simorch::test
