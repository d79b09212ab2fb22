#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>

#include "bindings.hpp"
#include "simorch/error.hpp"
#include "simorch/run/in_process.hpp"
#include "simorch/study/study.hpp"

namespace py = pybind11;

namespace simorch::python {
namespace {

/// A Python exception raised on the waiting thread (by a signal handler or the progress
/// callback), held with no Python error set until the run has closed its file.
class PendingError {
 public:
  PendingError() = default;
  PendingError(const PendingError&) = delete;
  PendingError& operator=(const PendingError&) = delete;
  ~PendingError() {
    if (!is_set()) return;
    const py::gil_scoped_acquire gil;
    Py_XDECREF(type_);
    Py_XDECREF(value_);
    Py_XDECREF(traceback_);
  }

  bool is_set() const noexcept { return type_ != nullptr; }
  /// Takes the current Python error (GIL held).
  void take() { PyErr_Fetch(&type_, &value_, &traceback_); }
  /// Raises it (GIL held).
  [[noreturn]] void raise() {
    PyErr_Restore(type_, value_, traceback_);
    type_ = value_ = traceback_ = nullptr;
    throw py::error_already_set();
  }

 private:
  PyObject* type_ = nullptr;
  PyObject* value_ = nullptr;
  PyObject* traceback_ = nullptr;
};

OpenMode parse_mode(const std::string& mode) {
  if (mode == "create") return OpenMode::create;
  if (mode == "overwrite") return OpenMode::create_overwrite;
  if (mode == "resume") return OpenMode::resume;
  throw ConfigError("mode", mode, "allowed: create, overwrite, resume");
}

/// simorch::run_study_in_process with Python's signals and a Python progress callback
/// progress(done_before, done, total, elapsed_s, is_final), both on the waiting thread.
py::dict run_study(const std::shared_ptr<Study>& study, const std::string& output, int threads,
                   const std::string& mode, const py::object& progress) {
  RunOptions options;
  options.output = output;
  options.mode = parse_mode(mode);
  options.threads = threads;
  // Python keeps its own SIGINT handler; a KeyboardInterrupt reaches the run through
  // should_stop, which runs the handlers with the GIL taken briefly.
  options.is_catching_signals = false;
  PendingError pending;
  options.should_stop = [&pending] {
    if (pending.is_set()) return true;
    const py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) pending.take();
    return pending.is_set();
  };
  const std::uint64_t num_tasks = study->num_tasks();
  if (!progress.is_none()) {
    options.on_progress = [&](const DispatchProgress& p) {
      if (pending.is_set()) return;
      // The dispatcher calls at most every progress_interval_s (0.1 s).
      const py::gil_scoped_acquire gil;
      try {
        progress(num_tasks - p.total, p.done, p.total, p.elapsed_s, p.is_final);
      } catch (py::error_already_set& e) {
        e.restore();
        pending.take();
      }
    };
  }
  RunReport report;
  {
    const py::gil_scoped_release release;
    report = run_study_in_process(*study, options);
  }
  if (pending.is_set()) pending.raise();

  py::dict d;
  d["exit_code"] = report.exit_code;
  d["output"] = report.output.string();
  d["threads"] = report.threads;
  d["num_tasks"] = report.num_tasks;
  d["done_before"] = report.done_before;
  d["tasks_done"] = report.dispatch.tasks_done;
  d["warnings"] = report.warnings;
  d["error"] = report.dispatch.error;
  d["is_abandoned"] = report.dispatch.is_abandoned;
  d["wall_s"] = report.timing.wall_s;
  d["summary"] = format_summary(report);
  return d;
}

}  // namespace

void bind_run(py::module_& m) {
  m.def("run_study", &run_study, py::arg("study"), py::arg("output"), py::arg("threads"),
        py::arg("mode"), py::arg("progress"),
        "simorch::run_study_in_process without the GIL; KeyboardInterrupt stops it resumably.");
  m.def("is_started_by_mpi_launcher", &is_started_by_mpi_launcher,
        "True when mpirun/srun started this process (simorch.run warns: it runs in process).");
}

}  // namespace simorch::python
