#include "simorch/io/batch_reader.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <system_error>
#include <utility>

#include "batch_datasets.hpp"
#include "batch_tables.hpp"
#include "simorch/error.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/error.hpp"
#include "simorch/h5/file.hpp"

namespace simorch {
namespace {

// A layout problem in a file that claims to be a batch file is bad input (exit 2): the
// user gave a damaged or foreign file, the machine did nothing wrong.
[[noreturn]] void throw_bad_layout(const std::filesystem::path& path, const IoError& e) {
  throw IoError(path.string(), "read batch file",
                fmt::format("{} (is it a simorch batch file of format_version {}? see "
                            "docs/hdf5-schema.md)",
                            e.what(), batch_format_version),
                true);
}

template <class F>
auto with_bad_layout(const std::filesystem::path& path, F&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const IoError& e) {
    if (e.is_bad_input() || h5::is_locking_error(e)) throw;
    throw_bad_layout(path, e);
  }
}

TaskStatus to_status(std::int32_t value, const std::filesystem::path& path,
                     std::string_view where) {
  if (value < 0 || value >= task_status_count)
    throw IoError(
        path.string(), "read batch file",
        fmt::format("{} holds status {}, allowed 0..{}", where, value, task_status_count - 1),
        true);
  return static_cast<TaskStatus>(value);
}

BatchInfo read_info(const h5::File& file, const std::filesystem::path& path) {
  BatchInfo info;
  info.format_version = io_detail::check_batch_format(file, path.string(), "read batch file");
  info.format = batch_format_name;
  info.simorch_version = h5::read_string_attribute(file, "simorch_version");
  info.created = h5::read_string_attribute(file, "created");
  info.study = h5::read_string_attribute(file, "study");
  info.study_canonical = h5::read_string_attribute(file, "study_canonical");
  info.study_hash = h5::read_string_attribute(file, "study_hash");
  info.seed = h5::read_attribute<std::uint64_t>(file, "seed");
  info.n_tasks = h5::read_attribute<std::uint64_t>(file, "n_tasks");
  info.model = h5::read_string_attribute(file, "model");
  info.controller = h5::read_string_attribute(file, "controller");
  info.integrator = h5::read_string_attribute(file, "integrator");
  info.dt = h5::read_attribute<double>(file, "dt");
  info.duration = h5::read_attribute<double>(file, "duration");
  info.save_every = h5::read_attribute<std::int64_t>(file, "save_every");
  info.run_state = h5::read_string_attribute(file, "run_state");
  info.tasks_done = h5::read_attribute<std::uint64_t>(file, "tasks_done");
  return info;
}

}  // namespace

class BatchReader::Impl {
 public:
  explicit Impl(const std::filesystem::path& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      throw IoError(path.string(), "open batch file", "no such file", true);
    if (!h5::is_hdf5(path))
      throw IoError(path.string(), "open batch file",
                    "not an HDF5 file, so not a simorch batch file", true);
    file_ = h5::File::open(path, h5::FileAccess::read_only);
    info_ = with_bad_layout(path_, [&] { return read_info(file_, path_); });
  }

  const std::filesystem::path& path() const noexcept { return path_; }
  const BatchInfo& info() const noexcept { return info_; }

  std::string results_path(std::string_view name) const { return fmt::format("/results/{}", name); }

  h5::Dataset open_column(std::string_view name) const {
    h5::Dataset dataset = file_.open_dataset(results_path(name));
    const auto dims = dataset.dims();
    if (dims.size() != 1 || dims[0] != info_.n_tasks)
      throw IoError(path_.string(), "read " + results_path(name),
                    fmt::format("expected shape [{}] (n_tasks), found [{}]", info_.n_tasks,
                                fmt::join(dims, ", ")),
                    true);
    return dataset;
  }

  std::vector<TaskStatus> status() const {
    const auto raw =
        with_bad_layout(path_, [&] { return open_column("status").read<std::int8_t>(); });
    std::vector<TaskStatus> out;
    out.reserve(raw.size());
    for (std::int8_t v : raw) out.push_back(to_status(v, path_, "/results/status"));
    return out;
  }

  std::vector<std::uint8_t> success() const {
    return with_bad_layout(path_, [&] { return open_column("success").read<std::uint8_t>(); });
  }

  bool has_column(std::string_view name) const {
    return with_bad_layout(path_, [&] { return file_.exists(results_path(name)); });
  }

  std::vector<double> column(std::string_view name) const {
    return with_bad_layout(path_, [&] {
      const ColumnSpec* spec = find_batch_column(name);
      if (spec != nullptr && spec->since_version > info_.format_version &&
          !file_.exists(results_path(name)))
        return std::vector<double>(static_cast<std::size_t>(info_.n_tasks), spec->fill);
      return open_column(name).read<double>();
    });
  }

  std::vector<TaskErrorRecord> errors() const {
    return with_bad_layout(path_, [&] {
      std::vector<TaskErrorRecord> out;
      for (const auto& row : table<io_detail::ErrorRow>("/results/errors"))
        out.push_back({row.task_id, to_status(row.status, path_, "/results/errors"),
                       std::string(row.message, strnlen(row.message, sizeof row.message))});
      return out;
    });
  }

  std::vector<SegmentTiming> timing() const {
    return with_bad_layout(path_, [&] { return read_timing(); });
  }

  bool has_trajectories() const {
    return with_bad_layout(path_, [&] { return file_.exists("/trajectories"); });
  }

  TaskLayout task_layout() const {
    return with_bad_layout(path_, [&] { return read_task_layout(); });
  }

 private:
  std::vector<SegmentTiming> read_timing() const {
    if (!file_.exists("/timing/segments")) return {};
    return io_detail::segments_from_rows(table<io_detail::SegmentRow>("/timing/segments"),
                                         table<io_detail::RankRow>("/timing/ranks"),
                                         table<io_detail::ThreadRow>("/timing/threads"),
                                         path_.string());
  }

  TaskLayout read_task_layout() const {
    TaskLayout layout;
    const auto n = static_cast<std::size_t>(info_.n_tasks);
    if (!file_.exists("/cases")) {  // before format_version 3: one case, no grid
      layout.case_names = {"base"};
      layout.case_index.assign(n, 0);
      layout.sample.resize(n);
      for (std::size_t i = 0; i < n; ++i) layout.sample[i] = i;
      layout.grid_point.assign(n, 0);
      return layout;
    }
    for (const io_detail::CaseRow& row : table<io_detail::CaseRow>("/cases"))
      layout.case_names.emplace_back(row.name, strnlen(row.name, sizeof row.name));
    for (std::size_t a = 0; file_.exists(fmt::format("/grid/axis{}", a)); ++a) {
      const h5::Dataset axis = file_.open_dataset(fmt::format("/grid/axis{}", a));
      layout.axes.push_back({h5::read_string_attribute(axis, "path"), axis.read<double>()});
    }
    layout.case_index = task_column<std::int32_t>("/tasks/case");
    layout.sample = task_column<std::uint64_t>("/tasks/sample");
    layout.grid_point = task_column<std::uint64_t>("/tasks/grid_point");
    return layout;
  }

  template <class T>
  std::vector<T> task_column(const std::string& path) const {
    std::vector<T> values = file_.open_dataset(path).read<T>();
    if (values.size() != info_.n_tasks)
      throw IoError(
          path_.string(), "read " + path,
          fmt::format("expected {} rows (n_tasks), found {}", info_.n_tasks, values.size()), true);
    return values;
  }

  // Every row of a compound table; none when the file lacks it.
  template <class Row>
  std::vector<Row> table(std::string_view path) const {
    if (!file_.exists(std::string(path))) return {};
    return io_detail::read_table<Row>(file_.open_dataset(std::string(path)), batch_table(path));
  }

  std::filesystem::path path_;
  h5::File file_;
  BatchInfo info_;
};

BatchReader::BatchReader(const std::filesystem::path& path) : impl_(std::make_unique<Impl>(path)) {}
BatchReader::~BatchReader() = default;
BatchReader::BatchReader(BatchReader&&) noexcept = default;
BatchReader& BatchReader::operator=(BatchReader&&) noexcept = default;

const std::filesystem::path& BatchReader::path() const noexcept {
  return impl_->path();
}
const BatchInfo& BatchReader::info() const noexcept {
  return impl_->info();
}
std::vector<TaskStatus> BatchReader::status() const {
  return impl_->status();
}
std::vector<std::uint8_t> BatchReader::success() const {
  return impl_->success();
}
bool BatchReader::has_column(std::string_view name) const {
  return impl_->has_column(name);
}
std::vector<double> BatchReader::column(std::string_view name) const {
  return impl_->column(name);
}
std::vector<TaskErrorRecord> BatchReader::errors() const {
  return impl_->errors();
}
std::vector<SegmentTiming> BatchReader::timing() const {
  return impl_->timing();
}
TaskLayout BatchReader::task_layout() const {
  return impl_->task_layout();
}
bool BatchReader::has_trajectories() const {
  return impl_->has_trajectories();
}

}  // namespace simorch
