#include "batch_datasets.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>

#include "batch_tables.hpp"
#include "simorch/error.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/group.hpp"
#include "simorch/model/state.hpp"
#include "simorch/version.hpp"

namespace simorch::io_detail {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t rows_per_chunk = 4096;
// Text (the failure message, 96 bytes a row) is written only where there is some: small
// chunks, so that a few failures spread over a study allocate little of it.
constexpr std::uint64_t text_rows_per_chunk = 16;
constexpr std::uint64_t table_chunk = 64;
constexpr std::uint64_t scan_block = 65536;
constexpr std::size_t trajectory_chunk_bytes = std::size_t{1} << 20;

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

// The fill value of a column in its own element type.
h5::DatasetOptions& with_fill(h5::DatasetOptions& o, const ColumnSpec& c) {
  return visit_fill(
      c, [&](auto value) -> h5::DatasetOptions& { return o.fill(value); },
      [&]() -> h5::DatasetOptions& { return o; });  // text: HDF5's default, all NUL
}

std::vector<std::string> names_of(ColumnNames names) {
  switch (names) {
    case ColumnNames::state:
      return {std::begin(state_names), std::end(state_names)};
    case ColumnNames::params:
      return {DipParams::names.begin(), DipParams::names.end()};
    case ColumnNames::status: {
      std::vector<std::string> out;
      for (int s = 0; s < task_status_count; ++s) {
        out.emplace_back(to_string(static_cast<TaskStatus>(s)));
      }
      return out;
    }
    case ColumnNames::grid:
    case ColumnNames::none:
      break;
  }
  return {};
}

bool is_present(const ColumnSpec& c, const StudyPlan& plan) {
  switch (c.source) {
    case ColumnSource::task_input:
      if (!c.is_optional) return true;
      return c.names == ColumnNames::grid ? !plan.axes().empty() : has_params(plan);
    case ColumnSource::trajectory:
      return plan.base().sim.num_samples() > 0;
    case ColumnSource::summary:
      return true;
  }
  return false;
}

std::byte* member_of(TaskSummary& s, const ColumnSpec& c) {
  return reinterpret_cast<std::byte*>(&s) + c.summary_offset;
}

// /cases rows (name, hash) with the canonical texts as an attribute, and /grid's axes.
void write_cases_and_grid(const h5::File& file, const StudyPlan& plan) {
  std::vector<CaseRow> rows(plan.num_cases());
  std::vector<std::string> canonical;
  for (std::size_t c = 0; c < plan.num_cases(); ++c) {
    const std::string& name = plan.case_names()[c];
    copy_text(rows[c].name, name.c_str(), sizeof rows[c].name);
    const Study& variant = plan.variant(c, 0);
    const std::string hash = study_hash(variant);
    std::memcpy(rows[c].hash, hash.data(), std::min(hash.size(), sizeof rows[c].hash));
    canonical.push_back(canonical_text(variant));
  }
  auto cases = file.open_dataset("/cases");
  cases.append_rows_raw(rows.size(), rows.data(), table_type(batch_table("/cases")));
  h5::write_attribute(cases, "canonical", canonical);
  if (plan.axes().empty()) return;
  const auto grid = file.create_group("grid");
  for (std::size_t a = 0; a < plan.axes().size(); ++a) {
    const GridAxis& axis = plan.axes()[a];
    auto values = grid.create_dataset(fmt::format("axis{}", a), h5::native_type<double>(),
                                      {axis.values.size()}, {});
    values.write_rows<double>(0, axis.values);
    h5::write_attribute(values, "path", axis.path);
  }
}

}  // namespace

bool has_params(const StudyPlan& plan) {
  const Study& base = plan.base();
  if (base.uncertainty.is_active()) return true;
  for (std::size_t c = 0; c < plan.num_cases(); ++c) {
    for (std::uint64_t p = 0; p < plan.num_points(); ++p) {
      const Study& v = plan.variant(c, p);
      if (v.uncertainty.is_active()) return true;
      for (std::size_t i = 0; i < DipParams::count; ++i) {
        if (v.nominal.at(i) != base.nominal.at(i)) return true;
      }
    }
  }
  return false;
}

FileIdentity plan_identity(const StudyPlan& plan, std::string created) {
  return {plan.hash(), plan.canonical_text(), std::move(created)};
}

void create_batch_file(const h5::File& file, const StudyPlan& plan, const FileIdentity& identity) {
  const Study& study = plan.base();
  const std::uint64_t m = plan.num_tasks();
  const std::int64_t k = study.sim.num_samples();

  h5::write_attribute(file, "format", batch_format_name);
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
  h5::write_attribute(file, "run_state", run_state::running);
  h5::write_attribute(file, "tasks_done", std::uint64_t{0});

  const auto ku = static_cast<std::uint64_t>(std::max<std::int64_t>(k, 0));
  for (const ColumnSpec& c : batch_columns()) {
    if (!is_present(c, plan)) continue;
    std::vector<std::uint64_t> dims = {m};
    std::vector<std::uint64_t> chunk = {c.type == ElementType::text ? text_rows_per_chunk
                                                                    : rows_per_chunk};
    if (c.source == ColumnSource::trajectory) {
      dims.push_back(ku);
      chunk = {trajectory_chunk_rows(m, k), ku};
    }
    const std::size_t width = c.names == ColumnNames::grid ? plan.axes().size() : c.width;
    if (width > 1 && c.type != ElementType::text) {
      dims.push_back(width);
      chunk.push_back(width);
    }
    h5::DatasetOptions options = row_options(m, chunk);
    const std::string path(c.path);
    auto dataset =
        file.create_dataset(path, element_h5_type(c.type, c.width), dims, with_fill(options, c));
    if (c.names == ColumnNames::grid) {
      std::vector<std::string> paths;
      for (const GridAxis& axis : plan.axes()) paths.push_back(axis.path);
      h5::write_attribute(dataset, "columns", paths);
    } else if (c.names != ColumnNames::none) {
      h5::write_attribute(dataset, c.names == ColumnNames::status ? "names" : "columns",
                          names_of(c.names));
    }
  }
  for (const TableSpec& t : batch_tables()) {
    file.create_dataset(std::string(t.path), table_type(t), {0}, table_options());
  }
  write_cases_and_grid(file, plan);

  if (k > 0) {
    auto time = file.create_dataset("/trajectories/time", h5::native_type<double>(), {ku}, {});
    std::vector<double> t(ku);
    for (std::uint64_t i = 0; i < ku; ++i) {
      t[i] = static_cast<double>(i) * static_cast<double>(study.sim.save_every) * study.sim.dt;
    }
    time.write_rows<double>(0, t);
  }

  const auto timing = file.open_group("/timing");
  // Until a segment closes there is no timing to repeat (docs/hdf5-schema.md).
  for (const char* name : {"wall_s", "setup_s", "finalize_s"}) {
    h5::write_attribute(timing, name, nan);
  }
  h5::write_attribute(timing, "ranks", std::int32_t{0});
  h5::write_attribute(timing, "threads_per_rank", std::int32_t{0});
}

std::int32_t check_batch_format(const h5::File& file, const std::string& path,
                                const std::string& operation) {
  // The identity first, so that a foreign file gets a message about what it is rather
  // than about the first attribute it lacks.
  if (!h5::has_attribute(file, "format")) {
    throw IoError(path, operation, "not a simorch batch file (no root attribute 'format')", true);
  }
  const std::string format = h5::read_string_attribute(file, "format");
  if (format != batch_format_name) {
    throw IoError(path, operation,
                  fmt::format("not a simorch batch file (format is '{}', expected '{}')", format,
                              batch_format_name),
                  true);
  }
  const auto version = h5::read_attribute<std::int32_t>(file, "format_version");
  if (version > batch_format_version) {
    throw IoError(path, operation,
                  fmt::format("format_version {} is newer than this simorch reads (1 to {}); "
                              "use a newer simorch",
                              version, batch_format_version),
                  true);
  }
  if (version < 1) {
    throw IoError(path, operation,
                  fmt::format("format_version {} is not valid (allowed: 1 to {})", version,
                              batch_format_version),
                  true);
  }
  return version;
}

BatchDatasets::BatchDatasets(h5::File file, const StudyPlan& plan)
    : file_(std::move(file)),
      plan_(&plan),
      n_tasks_(plan.num_tasks()),
      num_samples_(plan.base().sim.num_samples()),
      has_params_(has_params(plan)),
      num_axes_(plan.axes().size()),
      t_double_(h5::native_type<double>()) {
  // HDF5 gives every dataset a 1 MiB chunk cache by default: with ~25 row datasets that is
  // ~25 MiB that fills up only on large studies, so rank 0's memory would grow with the
  // number of tasks. Two chunks per dataset are enough for blocks arriving out of order.
  const auto rows = [this](std::string_view path, std::size_t row_bytes) {
    return file_.open_dataset(std::string(path), 2 * rows_per_chunk * row_bytes);
  };
  const auto open_column = [&](const ColumnSpec* c) {
    SummaryColumn column;
    column.spec = c;
    column.row_bytes =
        element_size(c->type, c->width) * (c->type == ElementType::text ? 1 : c->width);
    column.dataset = rows(c->path, column.row_bytes);
    column.mem_type = element_h5_type(c->type, c->width);
    return column;
  };
  for (const ColumnSpec* c : dense_summary_columns()) {
    if (c->names == ColumnNames::status) status_index_ = columns_.size();
    columns_.push_back(open_column(c));
  }
  for (const ColumnSpec* c : sparse_summary_columns()) texts_.push_back(open_column(c));
  initial_state_ = rows("/tasks/initial_state", 6 * sizeof(double));
  if (has_params_) {
    params_ = rows("/tasks/params", DipParams::count * sizeof(double));
  }
  sample_ = rows("/tasks/sample", sizeof(std::uint64_t));
  case_ = rows("/tasks/case", sizeof(std::int32_t));
  grid_point_ = rows("/tasks/grid_point", sizeof(std::uint64_t));
  if (num_axes_ > 0) grid_ = rows("/tasks/grid", num_axes_ * sizeof(double));
  if (num_samples_ > 0) {
    // Out-of-order runs touch trajectory chunks partially: keep a few in the cache so a
    // chunk is completed in memory rather than read back and rewritten.
    const std::size_t cache = 8 * trajectory_chunk_bytes;
    traj_state_ = file_.open_dataset("/trajectories/state", cache);
    traj_control_ = file_.open_dataset("/trajectories/control", cache);
  }
  errors_ = file_.open_dataset("/results/errors");
  segments_ = file_.open_dataset("/timing/segments");
  ranks_ = file_.open_dataset("/timing/ranks");
  threads_ = file_.open_dataset("/timing/threads");
}

void BatchDatasets::write_text(SummaryColumn& c, const RowBlock::SparseColumn& text,
                               const RowBlock::Run& run) {
  // Text is rare: only the runs of rows that have some are written, so a study without
  // failures allocates no message chunks at all.
  const auto begin = std::lower_bound(text.rows.begin(), text.rows.end(), run.offset);
  const auto end = std::lower_bound(begin, text.rows.end(), run.offset + run.count);
  for (auto i = begin; i != end;) {
    auto j = i + 1;
    while (j != end && *j == *(j - 1) + 1) ++j;
    const auto index = static_cast<std::size_t>(i - text.rows.begin());
    c.dataset.write_rows_raw(run.first + (*i - run.offset), static_cast<std::uint64_t>(j - i),
                             &text.data[index * c.spec->width], c.mem_type);
    i = j;
  }
}

void BatchDatasets::write_task_inputs(const TaskInputs& in, const RowBlock::Run& run) {
  const auto offset = static_cast<std::size_t>(run.offset);
  initial_state_.write_rows_raw(run.first, run.count, &in.initial_state[offset * 6], t_double_);
  if (has_params_) {
    params_.write_rows_raw(run.first, run.count, &in.params[offset * DipParams::count], t_double_);
  }
  sample_.write_rows_raw(run.first, run.count, &in.samples[offset],
                         h5::native_type<std::uint64_t>());
  case_.write_rows_raw(run.first, run.count, &in.cases[offset], h5::native_type<std::int32_t>());
  grid_point_.write_rows_raw(run.first, run.count, &in.points[offset],
                             h5::native_type<std::uint64_t>());
  if (num_axes_ > 0) {
    grid_.write_rows_raw(run.first, run.count, &in.grid[offset * num_axes_], t_double_);
  }
}

void BatchDatasets::write_block(const RowBlock& block, const TaskInputs& inputs,
                                const double* states, const double* controls) {
  const auto k = static_cast<std::size_t>(std::max<std::int64_t>(num_samples_, 0));
  for (const RowBlock::Run& run : block.runs()) {
    const auto offset = static_cast<std::size_t>(run.offset);
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i == status_index_) continue;
      const RowBlock::DenseColumn& data = block.dense()[i];
      columns_[i].dataset.write_rows_raw(run.first, run.count, &data.data[offset * data.row_bytes],
                                         columns_[i].mem_type);
    }
    for (std::size_t i = 0; i < texts_.size(); ++i) {
      write_text(texts_[i], block.sparse()[i], run);
    }
    write_task_inputs(inputs, run);
    if (num_samples_ > 0 && states != nullptr) {
      traj_state_.write_rows_raw(run.first, run.count, states + offset * k * 6, t_double_);
      traj_control_.write_rows_raw(run.first, run.count, controls + offset * k, t_double_);
    }
    // Status last: a row whose write was cut short still reads as pending.
    const RowBlock::DenseColumn& status_data = block.dense()[status_index_];
    status().dataset.write_rows_raw(
        run.first, run.count, &status_data.data[offset * status_data.row_bytes], status().mem_type);
  }
}

void BatchDatasets::append_segment(const SegmentTiming& t) {
  const TimingRows rows = to_rows(t);
  segments_.append_rows_raw(1, &rows.segment, table_type(batch_table("/timing/segments")));
  ranks_.append_rows_raw(rows.ranks.size(), rows.ranks.data(),
                         table_type(batch_table("/timing/ranks")));
  threads_.append_rows_raw(rows.threads.size(), rows.threads.data(),
                           table_type(batch_table("/timing/threads")));

  const auto timing = file_.open_group("/timing");
  h5::write_attribute(timing, "wall_s", t.wall_s);
  h5::write_attribute(timing, "setup_s", t.setup_s);
  h5::write_attribute(timing, "finalize_s", t.finalize_s);
  h5::write_attribute(timing, "ranks", t.ranks);
  h5::write_attribute(timing, "threads_per_rank", t.threads_per_rank);
}

void BatchDatasets::read_run(std::uint64_t first, std::uint64_t count, std::vector<TaskSummary>& s,
                             std::vector<double>& states, std::vector<double>& controls) {
  const auto n = static_cast<std::size_t>(count);
  s.assign(n, TaskSummary{});
  for (std::size_t i = 0; i < n; ++i) {
    s[i].task_id = first + i;
  }
  // Fixed-length text reads back NUL-padded as written, so every column is a plain copy.
  const auto read = [&](const SummaryColumn& c) {
    bytes_.resize(n * c.row_bytes);
    c.dataset.read_rows_raw(first, count, bytes_.data(), c.mem_type);
    for (std::size_t i = 0; i < n; ++i) {
      std::memcpy(member_of(s[i], *c.spec), &bytes_[i * c.row_bytes], c.row_bytes);
    }
  };
  for (const SummaryColumn& c : columns_) read(c);
  for (const SummaryColumn& c : texts_) read(c);

  const auto k = static_cast<std::size_t>(num_samples_);
  states.resize(num_samples_ > 0 ? n * k * 6 : 0);
  controls.resize(num_samples_ > 0 ? n * k : 0);
  if (num_samples_ > 0) {
    traj_state_.read_rows_raw(first, count, states.data(), t_double_);
    traj_control_.read_rows_raw(first, count, controls.data(), t_double_);
  }
}

std::vector<SegmentTiming> BatchDatasets::read_segments() const {
  return segments_from_rows(read_table<SegmentRow>(segments_, batch_table("/timing/segments")),
                            read_table<RankRow>(ranks_, batch_table("/timing/ranks")),
                            read_table<ThreadRow>(threads_, batch_table("/timing/threads")),
                            file_.path().string());
}

std::uint64_t BatchDatasets::num_segment_rows() const {
  return segments_.dims().at(0);
}

std::vector<std::int32_t> BatchDatasets::segment_indices() const {
  return segments_.read_field<std::int32_t>("segment");
}

void BatchDatasets::load_done(std::vector<std::uint64_t>& done) const {
  std::vector<std::int8_t> block;
  for (std::uint64_t first = 0; first < n_tasks_; first += scan_block) {
    const std::uint64_t count = std::min(scan_block, n_tasks_ - first);
    block.resize(static_cast<std::size_t>(count));
    status().dataset.read_rows_raw(first, count, block.data(), status().mem_type);
    for (std::uint64_t i = 0; i < count; ++i) {
      if (block[i] != 0) {
        done[(first + i) / 64] |= std::uint64_t{1} << ((first + i) % 64);
      }
    }
  }
}

void BatchDatasets::for_each_done(
    const std::function<void(std::uint64_t, TaskStatus, bool)>& visit) const {
  const SummaryColumn* success = nullptr;
  for (const SummaryColumn& c : columns_) {
    if (c.spec->name() == "success") success = &c;
  }
  std::vector<std::int8_t> status;
  std::vector<std::uint8_t> ok;
  for (std::uint64_t first = 0; first < n_tasks_; first += scan_block) {
    const std::uint64_t count = std::min(scan_block, n_tasks_ - first);
    status.resize(static_cast<std::size_t>(count));
    ok.resize(static_cast<std::size_t>(count));
    this->status().dataset.read_rows_raw(first, count, status.data(), this->status().mem_type);
    success->dataset.read_rows_raw(first, count, ok.data(), success->mem_type);
    for (std::uint64_t i = 0; i < count; ++i) {
      if (status[i] != 0) visit(first + i, static_cast<TaskStatus>(status[i]), ok[i] != 0);
    }
  }
}

void BatchDatasets::rebuild_errors() {
  // Regenerated in task order at every clean close (not appended in arrival order), so
  // the table is the same for any layout and any resume (docs/hdf5-schema.md).
  constexpr std::size_t cap = TaskSummary::message_capacity;
  const h5::Datatype row_type = table_type(batch_table("/results/errors"));
  errors_.resize({0});
  std::vector<std::int8_t> status;
  std::vector<char> text;
  std::vector<ErrorRow> rows;
  for (std::uint64_t first = 0; first < n_tasks_; first += scan_block) {
    const std::uint64_t count = std::min(scan_block, n_tasks_ - first);
    status.resize(static_cast<std::size_t>(count));
    text.resize(static_cast<std::size_t>(count) * cap);
    this->status().dataset.read_rows_raw(first, count, status.data(), this->status().mem_type);
    const auto is_failed = [](std::int8_t v) { return is_failure(static_cast<TaskStatus>(v)); };
    if (std::none_of(status.begin(), status.end(), is_failed)) {
      continue;
    }
    // Messages are read only around failures, in spans of `text_span` rows: with rare
    // failures most of the column was never written.
    constexpr std::size_t text_span = 256;
    rows.clear();
    for (std::size_t span = 0; span < count; span += text_span) {
      const std::size_t end = std::min<std::size_t>(span + text_span, count);
      if (std::none_of(status.data() + span, status.data() + end, is_failed)) continue;
      message().dataset.read_rows_raw(first + span, end - span, &text[span * cap],
                                      message().mem_type);
      for (std::size_t i = span; i < end; ++i) {
        // Every failed task (out_of_bounds, diverged, error), with its reason if it has one.
        if (is_failed(status[i])) {
          ErrorRow row{};
          row.task_id = first + i;
          row.status = status[i];
          copy_text(row.message, &text[i * cap], cap);
          rows.push_back(row);
        }
      }
    }
    errors_.append_rows_raw(rows.size(), rows.data(), row_type);
  }
}

void BatchDatasets::set_state(std::string_view run_state, std::uint64_t tasks_done) {
  h5::write_attribute(file_, "run_state", run_state);
  h5::write_attribute(file_, "tasks_done", tasks_done);
}

void BatchDatasets::close() {
  columns_.clear();
  texts_.clear();
  for (h5::Dataset* d : {&initial_state_, &params_, &traj_state_, &traj_control_, &sample_, &case_,
                         &grid_point_, &grid_, &errors_, &segments_, &ranks_, &threads_}) {
    *d = h5::Dataset();
  }
  file_.close();
}

}  // namespace simorch::io_detail
