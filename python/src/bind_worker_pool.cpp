#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "bindings.hpp"
#include "interruptible_wait.hpp"
#include "simorch/parallel/worker_pool.hpp"

namespace py = pybind11;

namespace simorch::python {
namespace {

/// The exception being handled on this thread as a normalized exception object (with its
/// traceback), cleared from the thread state. Call with the GIL held.
PyObject* take_current_exception() {
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  if (traceback != nullptr && value != nullptr) PyException_SetTraceback(value, traceback);
  Py_XDECREF(type);
  Py_XDECREF(traceback);
  return value;
}

/// simorch::WorkerPool running Python callables: each call takes the GIL on the pool
/// thread that runs it, so pure-Python work is serialised, while calls into simorch (which
/// release the GIL) and numpy run in parallel.
class PythonWorkerPool {
 public:
  explicit PythonWorkerPool(int threads) : pool_(std::make_unique<WorkerPool>(threads)) {}

  int num_threads() const {
    check_open();
    return pool_->num_threads();
  }

  /// Calls fn(i) for i in [0, n) on the pool; returns (values, failed): values[i] is the
  /// result, or the exception object when failed[i].
  py::tuple map(const py::function& fn, std::size_t n) {
    check_open();
    std::vector<PyObject*> values(n, nullptr);  // owned references, taken under the GIL
    std::vector<char> failed(n, 0);
    const ChunkHandle chunk = pool_->run_chunk(TaskRange{0, n}, [&](std::uint64_t i, int) {
      const py::gil_scoped_acquire gil;
      try {
        values[i] = fn(i).release().ptr();
      } catch (py::error_already_set& e) {
        e.restore();
        values[i] = take_current_exception();
        failed[i] = 1;
      } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
        values[i] = take_current_exception();
        failed[i] = 1;
      }
    });
    // Whatever happens, every stored reference is handed to Python objects (or dropped).
    py::list out;
    py::list failures;
    auto collect = [&] {
      for (std::size_t i = 0; i < n; ++i) {
        if (values[i] == nullptr) {
          out.append(py::none());
        } else {
          out.append(py::reinterpret_steal<py::object>(values[i]));
        }
        failures.append(py::bool_(failed[i] != 0));
      }
    };
    try {
      wait_interruptibly(chunk);
    } catch (...) {
      collect();
      throw;
    }
    collect();
    return py::make_tuple(out, failures);
  }

  /// Joins the threads (after finishing queued work) without holding the GIL, which the
  /// threads may need to finish.
  void close() {
    if (!pool_) return;
    const py::gil_scoped_release release;
    pool_.reset();
  }

 private:
  void check_open() const {
    if (!pool_) throw py::value_error("WorkerPool is closed");
  }
  std::unique_ptr<WorkerPool> pool_;
};

}  // namespace

void bind_worker_pool(py::module_& m) {
  py::class_<PythonWorkerPool>(m, "WorkerPool")
      .def(py::init<int>(), py::arg("threads"))
      .def_property_readonly("num_threads", &PythonWorkerPool::num_threads)
      .def("map", &PythonWorkerPool::map, py::arg("fn"), py::arg("n"))
      .def("close", &PythonWorkerPool::close);
}

}  // namespace simorch::python
