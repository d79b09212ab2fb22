#include "batch_layout.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>

#include "simorch/h5/attribute.hpp"
#include "simorch/h5/group.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/model/state.hpp"
#include "simorch/study/task_source.hpp"
#include "simorch/version.hpp"

namespace simorch::io_detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t rows_per_chunk = 4096;
constexpr std::uint64_t table_chunk = 64;
constexpr std::uint64_t scan_block = 65536;
constexpr std::size_t trajectory_chunk_bytes = std::size_t{1} << 20;

// Summary metric columns in schema order (batch_reader.hpp summary_metric_names).
constexpr std::array<double TaskSummary::*, 8> metric_members = {&TaskSummary::ise,
                                                                 &TaskSummary::itae,
                                                                 &TaskSummary::max_abs_theta1,
                                                                 &TaskSummary::max_abs_theta2,
                                                                 &TaskSummary::max_abs_x,
                                                                 &TaskSummary::max_abs_u,
                                                                 &TaskSummary::control_energy,
                                                                 &TaskSummary::settling_time};

const std::vector<std::string> status_names = {"pending", "completed", "out_of_bounds", "diverged",
                                               "error"};

struct SegmentRow {
  std::int32_t segment;
  double start_unix_s, end_unix_s, wall_s, setup_s, finalize_s;
  std::int32_t ranks, threads_per_rank;
  std::uint64_t tasks_done;
  std::int32_t outcome;
  char kernel[kernel_capacity];
};

struct RankRow {
  std::int32_t segment, rank;
  char host[host_capacity];
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
  char message[TaskSummary::message_capacity];
};

h5::Datatype segment_type() {
  const auto d = h5::native_type<double>();
  const auto i32 = h5::native_type<std::int32_t>();
  return h5::CompoundBuilder(sizeof(SegmentRow))
      .add("segment", offsetof(SegmentRow, segment), i32)
      .add("start_unix_s", offsetof(SegmentRow, start_unix_s), d)
      .add("end_unix_s", offsetof(SegmentRow, end_unix_s), d)
      .add("wall_s", offsetof(SegmentRow, wall_s), d)
      .add("setup_s", offsetof(SegmentRow, setup_s), d)
      .add("finalize_s", offsetof(SegmentRow, finalize_s), d)
      .add("ranks", offsetof(SegmentRow, ranks), i32)
      .add("threads_per_rank", offsetof(SegmentRow, threads_per_rank), i32)
      .add("tasks_done", offsetof(SegmentRow, tasks_done), h5::native_type<std::uint64_t>())
      .add("outcome", offsetof(SegmentRow, outcome), i32)
      .add("kernel", offsetof(SegmentRow, kernel), h5::fixed_string_type(kernel_capacity))
      .build();
}

h5::Datatype rank_type() {
  const auto d = h5::native_type<double>();
  const auto i32 = h5::native_type<std::int32_t>();
  return h5::CompoundBuilder(sizeof(RankRow))
      .add("segment", offsetof(RankRow, segment), i32)
      .add("rank", offsetof(RankRow, rank), i32)
      .add("host", offsetof(RankRow, host), h5::fixed_string_type(host_capacity))
      .add("threads", offsetof(RankRow, threads), i32)
      .add("tasks", offsetof(RankRow, tasks), h5::native_type<std::uint64_t>())
      .add("compute_s", offsetof(RankRow, compute_s), d)
      .add("idle_s", offsetof(RankRow, idle_s), d)
      .add("comm_s", offsetof(RankRow, comm_s), d)
      .add("wall_s", offsetof(RankRow, wall_s), d)
      .build();
}

h5::Datatype thread_type() {
  const auto i32 = h5::native_type<std::int32_t>();
  return h5::CompoundBuilder(sizeof(ThreadRow))
      .add("segment", offsetof(ThreadRow, segment), i32)
      .add("rank", offsetof(ThreadRow, rank), i32)
      .add("thread", offsetof(ThreadRow, thread), i32)
      .add("tasks", offsetof(ThreadRow, tasks), h5::native_type<std::uint64_t>())
      .add("busy_s", offsetof(ThreadRow, busy_s), h5::native_type<double>())
      .build();
}

h5::Datatype error_type() {
  return h5::CompoundBuilder(sizeof(ErrorRow))
      .add("task_id", offsetof(ErrorRow, task_id), h5::native_type<std::uint64_t>())
      .add("status", offsetof(ErrorRow, status), h5::native_type<std::int8_t>())
      .add("message", offsetof(ErrorRow, message),
           h5::fixed_string_type(TaskSummary::message_capacity))
      .build();
}

std::uint64_t trajectory_chunk_rows(std::uint64_t n_tasks, std::int64_t num_samples) {
  const auto per_task = static_cast<std::uint64_t>(num_samples) * 6 * sizeof(double);
  const std::uint64_t rows =
      std::clamp<std::uint64_t>(trajectory_chunk_bytes / per_task, 1, rows_per_chunk);
  return std::min(rows, std::max<std::uint64_t>(n_tasks, 1));
}

// Fixed row count M; a study of zero tasks still gets valid (empty, growable) datasets.
h5::DatasetOptions row_options(std::uint64_t n_tasks, std::vector<std::uint64_t> chunk) {
  h5::DatasetOptions o;
  o.chunk = std::move(chunk);
  o.chunk[0] = std::min(o.chunk[0], std::max<std::uint64_t>(n_tasks, 1));
  if (n_tasks == 0) {
    o.max_dims.assign(o.chunk.size(), 0);
    o.max_dims[0] = h5::unlimited;
    for (std::size_t i = 1; i < o.chunk.size(); ++i) {
      o.max_dims[i] = o.chunk[i];
    }
  }
  return o;
}

h5::DatasetOptions table_options() {
  h5::DatasetOptions o;
  o.chunk = {table_chunk};
  o.max_dims = {h5::unlimited};
  return o;
}

std::vector<std::string> param_names() {
  return {DipParams::names.begin(), DipParams::names.end()};
}

std::vector<std::string> state_columns() {
  return {std::begin(state_names), std::end(state_names)};
}

// A fixed-length string of exactly the bytes up to the NUL: bytes after it in the
// sender's buffer must not reach the file (bitwise-identical results).
void copy_message(char* out, const char* in) {
  const std::size_t n = strnlen(in, TaskSummary::message_capacity - 1);
  std::memset(out, 0, TaskSummary::message_capacity);
  std::memcpy(out, in, n);
}

}  // namespace

void create_layout(const h5::File& file, const Study& study, const FileIdentity& identity) {
  const std::uint64_t m = study.num_tasks();
  const std::int64_t k = study.sim.num_samples();

  h5::write_attribute(file, "format", batch_format);
  h5::write_attribute(file, "format_version", batch_format_version);
  h5::write_attribute(file, "simorch_version", version);
  h5::write_attribute(file, "created", identity.created);
  h5::write_attribute(file, "study", study.text);
  h5::write_attribute(file, "study_canonical", identity.study_canonical);
  h5::write_attribute(file, "study_hash", identity.study_hash);
  h5::write_attribute(file, "seed", study.monte_carlo.seed);
  h5::write_attribute(file, "n_tasks", m);
  h5::write_attribute(file, "model", to_string(study.sim.model));
  h5::write_attribute(file, "controller", to_string(study.controller.kind));
  h5::write_attribute(file, "integrator", to_string(study.sim.integrator.kind));
  h5::write_attribute(file, "dt", study.sim.dt);
  h5::write_attribute(file, "duration", study.sim.duration);
  h5::write_attribute(file, "save_every", study.sim.save_every);
  h5::write_attribute(file, "run_state", "running");
  h5::write_attribute(file, "tasks_done", std::uint64_t{0});

  const auto t_double = h5::native_type<double>();
  auto create = [&](const char* name, const h5::Datatype& type,
                    const std::vector<std::uint64_t>& dims, const h5::DatasetOptions& options) {
    return file.create_dataset(name, type, dims, options);
  };

  auto initial = create("/tasks/initial_state", t_double, {m, 6},
                        row_options(m, {rows_per_chunk, 6}).fill(nan));
  h5::write_attribute(initial, "columns", state_columns());
  if (study.uncertainty.is_active()) {
    auto params = create("/tasks/params", t_double, {m, DipParams::count},
                         row_options(m, {rows_per_chunk, DipParams::count}).fill(nan));
    h5::write_attribute(params, "columns", param_names());
  }

  auto status = create("/results/status", h5::native_type<std::int8_t>(), {m},
                       row_options(m, {rows_per_chunk}).fill(std::int8_t{0}));
  h5::write_attribute(status, "names", status_names);
  create("/results/success", h5::native_type<std::uint8_t>(), {m},
         row_options(m, {rows_per_chunk}).fill(std::uint8_t{0}));
  for (const auto name : summary_metric_names) {
    const std::string path = "/results/" + std::string(name);
    create(path.c_str(), t_double, {m}, row_options(m, {rows_per_chunk}).fill(nan));
  }
  auto final_state = create("/results/final_state", t_double, {m, 6},
                            row_options(m, {rows_per_chunk, 6}).fill(nan));
  h5::write_attribute(final_state, "columns", state_columns());
  for (const char* name :
       {"/results/steps", "/results/integrator_steps", "/results/rejected_steps"}) {
    create(name, h5::native_type<std::int64_t>(), {m},
           row_options(m, {rows_per_chunk}).fill(std::int64_t{0}));
  }
  for (const char* name : {"/results/rank", "/results/thread"}) {
    create(name, h5::native_type<std::int32_t>(), {m},
           row_options(m, {rows_per_chunk}).fill(std::int32_t{-1}));
  }
  create("/results/wall_time_s", t_double, {m}, row_options(m, {rows_per_chunk}).fill(nan));
  create("/results/message", h5::fixed_string_type(TaskSummary::message_capacity), {m},
         row_options(m, {rows_per_chunk}));
  create("/results/errors", error_type(), {0}, table_options());

  if (k > 0) {
    const auto ku = static_cast<std::uint64_t>(k);
    auto time = create("/trajectories/time", t_double, {ku}, {});
    std::vector<double> t(ku);
    for (std::uint64_t i = 0; i < ku; ++i) {
      t[i] = static_cast<double>(i) * static_cast<double>(study.sim.save_every) * study.sim.dt;
    }
    time.write_rows<double>(0, t);
    const auto c = trajectory_chunk_rows(m, k);
    auto state =
        create("/trajectories/state", t_double, {m, ku, 6}, row_options(m, {c, ku, 6}).fill(nan));
    h5::write_attribute(state, "columns", state_columns());
    create("/trajectories/control", t_double, {m, ku}, row_options(m, {c, ku}).fill(nan));
  }

  create("/timing/segments", segment_type(), {0}, table_options());
  create("/timing/ranks", rank_type(), {0}, table_options());
  create("/timing/threads", thread_type(), {0}, table_options());
  const auto timing = file.open_group("/timing");
  // Until a segment closes there is no timing to repeat (docs/hdf5-schema.md).
  for (const char* name : {"wall_s", "setup_s", "finalize_s"}) {
    h5::write_attribute(timing, name, nan);
  }
  h5::write_attribute(timing, "ranks", std::int32_t{0});
  h5::write_attribute(timing, "threads_per_rank", std::int32_t{0});
}

StoredIdentity read_identity(const h5::File& file) {
  StoredIdentity id;
  id.has_format = h5::has_attribute(file, "format");
  if (!id.has_format) {
    return id;
  }
  id.format = h5::read_string_attribute(file, "format");
  if (id.format != batch_format) {
    return id;
  }
  id.format_version = h5::read_attribute<std::int32_t>(file, "format_version");
  if (id.format_version > batch_format_version) {
    return id;
  }
  id.study_hash = h5::read_string_attribute(file, "study_hash");
  id.run_state = h5::read_string_attribute(file, "run_state");
  id.tasks_done = h5::read_attribute<std::uint64_t>(file, "tasks_done");
  return id;
}

BatchLayout::BatchLayout(h5::File file, const Study& study)
    : file_(std::move(file)),
      study_(&study),
      n_tasks_(study.num_tasks()),
      num_samples_(study.sim.num_samples()),
      has_params_(study.uncertainty.is_active()),
      t_double_(h5::native_type<double>()),
      t_int64_(h5::native_type<std::int64_t>()),
      t_int32_(h5::native_type<std::int32_t>()),
      t_int8_(h5::native_type<std::int8_t>()),
      t_uint8_(h5::native_type<std::uint8_t>()),
      t_message_(h5::fixed_string_type(TaskSummary::message_capacity)),
      t_segment_(segment_type()),
      t_rank_(rank_type()),
      t_thread_(thread_type()),
      t_error_(error_type()) {
  // HDF5 gives every dataset a 1 MiB chunk cache by default: with ~25 row datasets that is
  // ~25 MiB that fills up only on large studies, so rank 0's memory would grow with the
  // number of tasks. Two chunks per dataset are enough for blocks arriving out of order.
  const auto rows = [this](const char* path, std::size_t row_bytes) {
    return file_.open_dataset(path, 2 * rows_per_chunk * row_bytes);
  };
  status_ = rows("/results/status", sizeof(std::int8_t));
  success_ = rows("/results/success", sizeof(std::uint8_t));
  for (std::size_t i = 0; i < metrics_.size(); ++i) {
    metrics_[i] =
        rows(("/results/" + std::string(summary_metric_names[i])).c_str(), sizeof(double));
  }
  final_state_ = rows("/results/final_state", 6 * sizeof(double));
  steps_ = rows("/results/steps", sizeof(std::int64_t));
  integrator_steps_ = rows("/results/integrator_steps", sizeof(std::int64_t));
  rejected_steps_ = rows("/results/rejected_steps", sizeof(std::int64_t));
  rank_ = rows("/results/rank", sizeof(std::int32_t));
  thread_ = rows("/results/thread", sizeof(std::int32_t));
  wall_time_ = rows("/results/wall_time_s", sizeof(double));
  message_ = rows("/results/message", TaskSummary::message_capacity);
  errors_ = file_.open_dataset("/results/errors");
  initial_state_ = rows("/tasks/initial_state", 6 * sizeof(double));
  if (has_params_) {
    params_ = rows("/tasks/params", DipParams::count * sizeof(double));
  }
  if (num_samples_ > 0) {
    // Out-of-order runs touch trajectory chunks partially: keep a few in the cache so a
    // chunk is completed in memory rather than read back and rewritten.
    const std::size_t cache = 8 * trajectory_chunk_bytes;
    traj_state_ = file_.open_dataset("/trajectories/state", cache);
    traj_control_ = file_.open_dataset("/trajectories/control", cache);
  }
  segments_ = file_.open_dataset("/timing/segments");
  ranks_ = file_.open_dataset("/timing/ranks");
  threads_ = file_.open_dataset("/timing/threads");
}

void BatchLayout::write_run(const TaskSummary* s, std::uint64_t count, const double* states,
                            const double* controls) {
  if (count == 0) {
    return;
  }
  const std::uint64_t first = s[0].task_id;
  const auto n = static_cast<std::size_t>(count);

  u8_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    u8_[i] = s[i].success;
  }
  success_.write_rows_raw(first, count, u8_.data(), t_uint8_);

  d_.resize(n * 6);
  for (std::size_t c = 0; c < metrics_.size(); ++c) {
    for (std::size_t i = 0; i < n; ++i) {
      d_[i] = s[i].*metric_members[c];
    }
    metrics_[c].write_rows_raw(first, count, d_.data(), t_double_);
  }
  for (std::size_t i = 0; i < n; ++i) {
    d_[i] = s[i].wall_time_s;
  }
  wall_time_.write_rows_raw(first, count, d_.data(), t_double_);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(s[i].final_state, 6, &d_[i * 6]);
  }
  final_state_.write_rows_raw(first, count, d_.data(), t_double_);

  i64_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    i64_[i] = s[i].steps;
  }
  steps_.write_rows_raw(first, count, i64_.data(), t_int64_);
  for (std::size_t i = 0; i < n; ++i) {
    i64_[i] = s[i].integrator_steps;
  }
  integrator_steps_.write_rows_raw(first, count, i64_.data(), t_int64_);
  for (std::size_t i = 0; i < n; ++i) {
    i64_[i] = s[i].rejected_steps;
  }
  rejected_steps_.write_rows_raw(first, count, i64_.data(), t_int64_);
  i32_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    i32_[i] = s[i].rank;
  }
  rank_.write_rows_raw(first, count, i32_.data(), t_int32_);
  for (std::size_t i = 0; i < n; ++i) {
    i32_[i] = s[i].thread;
  }
  thread_.write_rows_raw(first, count, i32_.data(), t_int32_);

  // Messages are rare: write only the runs of rows that have one, so a study without
  // failures allocates no message chunks at all.
  std::vector<char> text;
  for (std::size_t i = 0; i < n;) {
    if (s[i].message[0] == '\0') {
      ++i;
      continue;
    }
    std::size_t j = i;
    text.clear();
    while (j < n && s[j].message[0] != '\0') {
      text.resize(text.size() + TaskSummary::message_capacity);
      copy_message(&text[text.size() - TaskSummary::message_capacity], s[j].message);
      ++j;
    }
    message_.write_rows_raw(first + i, j - i, text.data(), t_message_);
    i = j;
  }

  // Inputs are regenerated from (study, id) rather than sent with the results.
  p_.resize(has_params_ ? n * DipParams::count : 0);
  for (std::size_t i = 0; i < n; ++i) {
    const TaskSpec task = make_task(*study_, first + i);
    for (int c = 0; c < 6; ++c) {
      d_[i * 6 + static_cast<std::size_t>(c)] = task.initial_state[c];
    }
    if (has_params_) {
      for (std::size_t c = 0; c < DipParams::count; ++c) {
        p_[i * DipParams::count + c] = task.params.at(c);
      }
    }
  }
  initial_state_.write_rows_raw(first, count, d_.data(), t_double_);
  if (has_params_) {
    params_.write_rows_raw(first, count, p_.data(), t_double_);
  }

  if (num_samples_ > 0 && states != nullptr) {
    traj_state_.write_rows_raw(first, count, states, t_double_);
    traj_control_.write_rows_raw(first, count, controls, t_double_);
  }

  // Status last: a row whose write was cut short still reads as pending.
  i8_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    i8_[i] = static_cast<std::int8_t>(s[i].status);
  }
  status_.write_rows_raw(first, count, i8_.data(), t_int8_);
}

void BatchLayout::append_segment(const SegmentTiming& t) {
  SegmentRow row{t.segment,
                 t.start_unix_s,
                 t.end_unix_s,
                 t.wall_s,
                 t.setup_s,
                 t.finalize_s,
                 t.ranks,
                 t.threads_per_rank,
                 t.tasks_done,
                 static_cast<std::int32_t>(t.outcome),
                 {}};
  std::memcpy(row.kernel, t.kernel.data(), std::min(t.kernel.size(), kernel_capacity - 1));
  segments_.append_rows_raw(1, &row, t_segment_);

  std::vector<RankRow> ranks(t.rank_timing.size());
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    const auto& r = t.rank_timing[i];
    RankRow& out = ranks[i];
    std::memset(&out, 0, sizeof out);
    out.segment = t.segment;
    out.rank = r.rank;
    std::memcpy(out.host, r.host.data(), std::min(r.host.size(), host_capacity - 1));
    out.threads = r.threads;
    out.tasks = r.tasks;
    out.compute_s = r.compute_s;
    out.idle_s = r.idle_s;
    out.comm_s = r.comm_s;
    out.wall_s = r.wall_s;
  }
  ranks_.append_rows_raw(ranks.size(), ranks.data(), t_rank_);

  std::vector<ThreadRow> threads(t.thread_timing.size());
  for (std::size_t i = 0; i < threads.size(); ++i) {
    const auto& th = t.thread_timing[i];
    threads[i] = ThreadRow{t.segment, th.rank, th.thread, th.tasks, th.busy_s};
  }
  threads_.append_rows_raw(threads.size(), threads.data(), t_thread_);

  const auto timing = file_.open_group("/timing");
  h5::write_attribute(timing, "wall_s", t.wall_s);
  h5::write_attribute(timing, "setup_s", t.setup_s);
  h5::write_attribute(timing, "finalize_s", t.finalize_s);
  h5::write_attribute(timing, "ranks", t.ranks);
  h5::write_attribute(timing, "threads_per_rank", t.threads_per_rank);
}

void BatchLayout::read_run(std::uint64_t first, std::uint64_t count, std::vector<TaskSummary>& s,
                           std::vector<double>& states, std::vector<double>& controls) {
  const auto n = static_cast<std::size_t>(count);
  s.assign(n, TaskSummary{});
  for (std::size_t i = 0; i < n; ++i) {
    s[i].task_id = first + i;
  }

  i8_.resize(n);
  status_.read_rows_raw(first, count, i8_.data(), t_int8_);
  for (std::size_t i = 0; i < n; ++i) {
    s[i].status = static_cast<TaskStatus>(i8_[i]);
  }
  u8_.resize(n);
  success_.read_rows_raw(first, count, u8_.data(), t_uint8_);
  for (std::size_t i = 0; i < n; ++i) {
    s[i].success = u8_[i];
  }

  d_.resize(n * 6);
  for (std::size_t c = 0; c < metrics_.size(); ++c) {
    metrics_[c].read_rows_raw(first, count, d_.data(), t_double_);
    for (std::size_t i = 0; i < n; ++i) {
      s[i].*metric_members[c] = d_[i];
    }
  }
  wall_time_.read_rows_raw(first, count, d_.data(), t_double_);
  for (std::size_t i = 0; i < n; ++i) {
    s[i].wall_time_s = d_[i];
  }
  final_state_.read_rows_raw(first, count, d_.data(), t_double_);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(&d_[i * 6], 6, s[i].final_state);
  }

  i64_.resize(n);
  steps_.read_rows_raw(first, count, i64_.data(), t_int64_);
  for (std::size_t i = 0; i < n; ++i) {
    s[i].steps = i64_[i];
  }
  integrator_steps_.read_rows_raw(first, count, i64_.data(), t_int64_);
  for (std::size_t i = 0; i < n; ++i) {
    s[i].integrator_steps = i64_[i];
  }
  rejected_steps_.read_rows_raw(first, count, i64_.data(), t_int64_);
  for (std::size_t i = 0; i < n; ++i) {
    s[i].rejected_steps = i64_[i];
  }
  i32_.resize(n);
  rank_.read_rows_raw(first, count, i32_.data(), t_int32_);
  for (std::size_t i = 0; i < n; ++i) {
    s[i].rank = i32_[i];
  }
  thread_.read_rows_raw(first, count, i32_.data(), t_int32_);
  for (std::size_t i = 0; i < n; ++i) {
    s[i].thread = i32_[i];
  }

  std::vector<char> text(n * TaskSummary::message_capacity);
  message_.read_rows_raw(first, count, text.data(), t_message_);
  for (std::size_t i = 0; i < n; ++i) {
    copy_message(s[i].message, &text[i * TaskSummary::message_capacity]);
  }

  const auto k = static_cast<std::size_t>(num_samples_);
  states.resize(num_samples_ > 0 ? n * k * 6 : 0);
  controls.resize(num_samples_ > 0 ? n * k : 0);
  if (num_samples_ > 0) {
    traj_state_.read_rows_raw(first, count, states.data(), t_double_);
    traj_control_.read_rows_raw(first, count, controls.data(), t_double_);
  }
}

std::vector<SegmentTiming> BatchLayout::read_segments() const {
  const auto num_segments = segments_.dims().at(0);
  std::vector<SegmentRow> seg(static_cast<std::size_t>(num_segments));
  segments_.read_rows_raw(0, num_segments, seg.data(), t_segment_);
  const auto num_ranks = ranks_.dims().at(0);
  std::vector<RankRow> ranks(static_cast<std::size_t>(num_ranks));
  ranks_.read_rows_raw(0, num_ranks, ranks.data(), t_rank_);
  const auto num_threads = threads_.dims().at(0);
  std::vector<ThreadRow> threads(static_cast<std::size_t>(num_threads));
  threads_.read_rows_raw(0, num_threads, threads.data(), t_thread_);

  std::vector<SegmentTiming> out;
  for (const auto& r : seg) {
    SegmentTiming t;
    t.segment = r.segment;
    t.start_unix_s = r.start_unix_s;
    t.end_unix_s = r.end_unix_s;
    t.wall_s = r.wall_s;
    t.setup_s = r.setup_s;
    t.finalize_s = r.finalize_s;
    t.ranks = r.ranks;
    t.threads_per_rank = r.threads_per_rank;
    t.tasks_done = r.tasks_done;
    t.outcome = static_cast<RunOutcome>(r.outcome);
    t.kernel = std::string(r.kernel, strnlen(r.kernel, kernel_capacity));
    for (const auto& rr : ranks) {
      if (rr.segment != r.segment) {
        continue;
      }
      t.rank_timing.push_back({rr.rank, std::string(rr.host, strnlen(rr.host, host_capacity)),
                               rr.threads, rr.tasks, rr.compute_s, rr.idle_s, rr.comm_s,
                               rr.wall_s});
    }
    for (const auto& th : threads) {
      if (th.segment == r.segment) {
        t.thread_timing.push_back({th.rank, th.thread, th.tasks, th.busy_s});
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::uint64_t BatchLayout::num_segment_rows() const {
  return segments_.dims().at(0);
}

std::vector<std::int32_t> BatchLayout::segment_indices() const {
  return segments_.read_field<std::int32_t>("segment");
}

void BatchLayout::load_done(std::vector<std::uint64_t>& done) const {
  std::vector<std::int8_t> block;
  for (std::uint64_t first = 0; first < n_tasks_; first += scan_block) {
    const std::uint64_t count = std::min(scan_block, n_tasks_ - first);
    block.resize(static_cast<std::size_t>(count));
    status_.read_rows_raw(first, count, block.data(), t_int8_);
    for (std::uint64_t i = 0; i < count; ++i) {
      if (block[i] != 0) {
        done[(first + i) / 64] |= std::uint64_t{1} << ((first + i) % 64);
      }
    }
  }
}

void BatchLayout::rebuild_errors() {
  // Regenerated in task order at every clean close (not appended in arrival order), so
  // the table is the same for any layout and any resume (docs/hdf5-schema.md).
  errors_.resize({0});
  std::vector<std::int8_t> status;
  std::vector<char> text;
  std::vector<ErrorRow> rows;
  for (std::uint64_t first = 0; first < n_tasks_; first += scan_block) {
    const std::uint64_t count = std::min(scan_block, n_tasks_ - first);
    status.resize(static_cast<std::size_t>(count));
    text.resize(static_cast<std::size_t>(count) * TaskSummary::message_capacity);
    status_.read_rows_raw(first, count, status.data(), t_int8_);
    const bool has_failure = std::any_of(status.begin(), status.end(), [](std::int8_t v) {
      return v > static_cast<std::int8_t>(TaskStatus::completed);
    });
    if (!has_failure) {
      continue;
    }
    message_.read_rows_raw(first, count, text.data(), t_message_);
    rows.clear();
    for (std::size_t i = 0; i < count; ++i) {
      const char* msg = &text[i * TaskSummary::message_capacity];
      // Every failed task (out_of_bounds, diverged, error), with its reason if it has one.
      if (status[i] > static_cast<std::int8_t>(TaskStatus::completed)) {
        ErrorRow row{};
        row.task_id = first + i;
        row.status = status[i];
        copy_message(row.message, msg);
        rows.push_back(row);
      }
    }
    errors_.append_rows_raw(rows.size(), rows.data(), t_error_);
  }
}

void BatchLayout::set_state(const char* run_state, std::uint64_t tasks_done) {
  h5::write_attribute(file_, "run_state", run_state);
  h5::write_attribute(file_, "tasks_done", tasks_done);
}

void BatchLayout::close() {
  for (h5::Dataset* d :
       {&status_, &success_, &final_state_, &steps_, &integrator_steps_, &rejected_steps_, &rank_,
        &thread_, &wall_time_, &message_, &errors_, &initial_state_, &params_, &traj_state_,
        &traj_control_, &segments_, &ranks_, &threads_}) {
    *d = h5::Dataset();
  }
  for (auto& d : metrics_) {
    d = h5::Dataset();
  }
  file_.close();
}

}  // namespace simorch::io_detail
