#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bindings.hpp"
#include "simorch/analysis/run_report.hpp"
#include "simorch/io/batch_reader.hpp"
#include "simorch/io/live_reader.hpp"
#include "summary_metrics.hpp"

namespace py = pybind11;

namespace simorch::python {
namespace {

py::dict info_dict(const BatchInfo& info) {
  py::dict d;
  d["format"] = info.format;
  d["format_version"] = info.format_version;
  d["simorch_version"] = info.simorch_version;
  d["created"] = info.created;
  d["study"] = info.study;
  d["study_hash"] = info.study_hash;
  d["seed"] = info.seed;
  d["n_tasks"] = info.n_tasks;
  d["model"] = info.model;
  d["controller"] = info.controller;
  d["integrator"] = info.integrator;
  d["dt"] = info.dt;
  d["duration"] = info.duration;
  d["save_every"] = info.save_every;
  d["run_state"] = info.run_state;
  d["tasks_done"] = info.tasks_done;
  d["is_complete"] = info.is_complete();
  return d;
}

py::dict writer_dict(const LiveWriter& w) {
  py::dict d;
  d["host"] = w.host;
  d["pid"] = w.pid;
  d["segment"] = w.segment;
  d["start_unix_s"] = w.start_unix_s;
  d["is_open"] = w.is_open;
  d["is_gone"] = w.is_gone;
  d["is_checkable"] = w.is_checkable;
  d["done_in_segment"] = w.done_in_segment;
  return d;
}

template <class T, class U>
py::array_t<T> to_array(const std::vector<U>& values) {
  py::array_t<T> out(static_cast<py::ssize_t>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i)
    out.mutable_at(static_cast<py::ssize_t>(i)) = static_cast<T>(values[i]);
  return out;
}

/// What the journal of a file a run is writing holds (LiveReader): per-task status and
/// summary columns, failures, the writer. No HDF5 and no lock: the writer is not disturbed.
py::dict read_live(const std::string& path) {
  const LiveReader reader(path);
  py::dict d;
  d["info"] = info_dict(reader.info());
  d["writer"] = writer_dict(reader.writer());
  d["status"] = to_array<std::int8_t>(reader.status());
  d["success"] = to_array<std::uint8_t>(reader.success());
  py::dict columns;
  std::vector<std::string_view> names;
  for (const SummaryMetric& metric : summary_metrics()) names.push_back(metric.name);
  for (const std::string_view name : {"steps", "integrator_steps", "rejected_steps", "wall_time_s"})
    names.push_back(name);
  for (const std::string_view name : names) {
    if (reader.has_column(name))
      columns[py::str(std::string(name))] = to_array<double>(reader.column(name));
  }
  d["columns"] = columns;
  py::list errors;
  for (const TaskErrorRecord& e : reader.errors())
    errors.append(py::make_tuple(e.task_id, static_cast<int>(e.status), e.message));
  d["errors"] = errors;
  return d;
}

}  // namespace

void bind_reader(py::module_& m) {
  // The checks of `simorch report` (a simorch batch file, a format_version this build
  // reads) and its report; the datasets themselves are read with h5py (simorch/batch.py).
  m.def(
      "read_batch_info",
      [](const std::string& path) {
        const BatchReader reader(path);
        return info_dict(reader.info());
      },
      py::arg("path"), "Root attributes of a batch file; IoError for a foreign or newer file.");
  m.def(
      "report_json",
      // Keeps the GIL: h5py serialises its HDF5 calls with the GIL, and HDF5 is one thread
      // at a time.
      [](const std::string& path) {
        // As `simorch report`: a file a run is writing is read from its journal.
        if (LiveReader::is_being_written(path))
          return analysis::format_report_json(analysis::make_live_report(LiveReader(path)));
        return analysis::format_report_json(analysis::make_run_report(BatchReader(path)));
      },
      py::arg("path"), "`simorch report --json` of a batch file (live view while written).");
  m.def(
      "is_being_written",
      [](const std::string& path) { return LiveReader::is_being_written(path); }, py::arg("path"),
      "True when a run is writing the file (or was killed writing it).");
  m.def("read_live", &read_live, py::arg("path"),
        "The journal's view of a file a run is writing: status, summary columns, errors.");
}

}  // namespace simorch::python
