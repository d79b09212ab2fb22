#include "simorch/io/batch_reader.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <system_error>
#include <utility>

#include "simorch/error.hpp"
#include "simorch/h5/attribute.hpp"
#include "simorch/h5/error.hpp"
#include "simorch/h5/file.hpp"

namespace simorch {
namespace {

constexpr std::string_view expected_format = "simorch-batch";

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
  // Check the identity first, so that a foreign file gets a message about what it is
  // rather than about the first attribute it lacks.
  if (!h5::has_attribute(file, "format"))
    throw IoError(path.string(), "read batch file",
                  "not a simorch batch file (no root attribute 'format')", true);
  info.format = h5::read_string_attribute(file, "format");
  if (info.format != expected_format)
    throw IoError(path.string(), "read batch file",
                  fmt::format("not a simorch batch file (format is '{}', expected '{}')",
                              info.format, expected_format),
                  true);
  info.format_version = h5::read_attribute<std::int32_t>(file, "format_version");
  if (info.format_version > batch_format_version)
    throw IoError(path.string(), "read batch file",
                  fmt::format("format_version {} is newer than this simorch reads ({}); "
                              "use a newer simorch",
                              info.format_version, batch_format_version),
                  true);
  if (info.format_version < 1)
    throw IoError(
        path.string(), "read batch file",
        fmt::format("format_version {} is not valid (versions start at 1)", info.format_version),
        true);
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
    return with_bad_layout(path_, [&] { return open_column(name).read<double>(); });
  }

  std::vector<TaskErrorRecord> errors() const {
    return with_bad_layout(path_, [&] {
      std::vector<TaskErrorRecord> out;
      if (!file_.exists("/results/errors")) return out;
      const h5::Dataset dataset = file_.open_dataset("/results/errors");
      const auto ids = dataset.read_field<std::uint64_t>("task_id");
      const auto statuses = dataset.read_field<std::int8_t>("status");
      const auto messages = dataset.read_string_field("message");
      for (std::size_t i = 0; i < ids.size(); ++i)
        out.push_back({ids[i], to_status(statuses[i], path_, "/results/errors"), messages[i]});
      return out;
    });
  }

  std::vector<SegmentTiming> timing() const {
    return with_bad_layout(path_, [&] { return read_timing(); });
  }

  bool has_trajectories() const {
    return with_bad_layout(path_, [&] { return file_.exists("/trajectories"); });
  }

 private:
  std::vector<SegmentTiming> read_timing() const {
    std::vector<SegmentTiming> segments;
    if (!file_.exists("/timing/segments")) return segments;
    const h5::Dataset seg = file_.open_dataset("/timing/segments");
    const auto index = seg.read_field<std::int32_t>("segment");
    const auto start = seg.read_field<double>("start_unix_s");
    const auto end = seg.read_field<double>("end_unix_s");
    const auto wall = seg.read_field<double>("wall_s");
    const auto setup = seg.read_field<double>("setup_s");
    const auto finalize = seg.read_field<double>("finalize_s");
    const auto ranks = seg.read_field<std::int32_t>("ranks");
    const auto threads = seg.read_field<std::int32_t>("threads_per_rank");
    const auto done = seg.read_field<std::uint64_t>("tasks_done");
    const auto outcome = seg.read_field<std::int32_t>("outcome");
    std::vector<std::string> kernel(index.size());  // files of earlier versions have none
    try {
      kernel = seg.read_string_field("kernel");
    } catch (const Error&) {
    }
    std::map<std::int32_t, std::size_t> position;  // segment number → index in `segments`
    for (std::size_t i = 0; i < index.size(); ++i) {
      SegmentTiming s;
      s.segment = index[i];
      s.start_unix_s = start[i];
      s.end_unix_s = end[i];
      s.wall_s = wall[i];
      s.setup_s = setup[i];
      s.finalize_s = finalize[i];
      s.ranks = ranks[i];
      s.threads_per_rank = threads[i];
      s.tasks_done = done[i];
      s.outcome = outcome[i] == 0 ? RunOutcome::complete : RunOutcome::interrupted;
      s.kernel = kernel[i];
      position[s.segment] = segments.size();
      segments.push_back(std::move(s));
    }
    auto segment_of = [&](std::int32_t number, std::string_view table) -> SegmentTiming& {
      const auto it = position.find(number);
      if (it == position.end())
        throw IoError(path_.string(), "read /timing/" + std::string(table),
                      fmt::format("a row names segment {}, which /timing/segments lacks", number),
                      true);
      return segments[it->second];
    };
    if (file_.exists("/timing/ranks")) {
      const h5::Dataset table = file_.open_dataset("/timing/ranks");
      const auto segment = table.read_field<std::int32_t>("segment");
      const auto rank = table.read_field<std::int32_t>("rank");
      const auto host = table.read_string_field("host");
      const auto rank_threads = table.read_field<std::int32_t>("threads");
      const auto tasks = table.read_field<std::uint64_t>("tasks");
      const auto compute = table.read_field<double>("compute_s");
      const auto idle = table.read_field<double>("idle_s");
      const auto comm = table.read_field<double>("comm_s");
      const auto rank_wall = table.read_field<double>("wall_s");
      for (std::size_t i = 0; i < segment.size(); ++i)
        segment_of(segment[i], "ranks")
            .rank_timing.push_back({rank[i], host[i], rank_threads[i], tasks[i], compute[i],
                                    idle[i], comm[i], rank_wall[i]});
    }
    if (file_.exists("/timing/threads")) {
      const h5::Dataset table = file_.open_dataset("/timing/threads");
      const auto segment = table.read_field<std::int32_t>("segment");
      const auto rank = table.read_field<std::int32_t>("rank");
      const auto thread = table.read_field<std::int32_t>("thread");
      const auto tasks = table.read_field<std::uint64_t>("tasks");
      const auto busy = table.read_field<double>("busy_s");
      for (std::size_t i = 0; i < segment.size(); ++i)
        segment_of(segment[i], "threads")
            .thread_timing.push_back({rank[i], thread[i], tasks[i], busy[i]});
    }
    std::sort(segments.begin(), segments.end(),
              [](const SegmentTiming& a, const SegmentTiming& b) { return a.segment < b.segment; });
    return segments;
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
bool BatchReader::has_trajectories() const {
  return impl_->has_trajectories();
}

}  // namespace simorch
