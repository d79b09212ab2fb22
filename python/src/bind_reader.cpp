#include <pybind11/pybind11.h>

#include <string>

#include "bindings.hpp"
#include "simorch/analysis/run_report.hpp"
#include "simorch/io/batch_reader.hpp"

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
        const BatchReader reader(path);
        return analysis::format_report_json(analysis::make_run_report(reader));
      },
      py::arg("path"), "`simorch report --json` of a batch file.");
}

}  // namespace simorch::python
