#include "interruptible_wait.hpp"

namespace py = pybind11;

namespace simorch::python {

bool python_signals_ok() {
  const py::gil_scoped_acquire gil;
  return PyErr_CheckSignals() == 0;
}

void wait_interruptibly(const ChunkHandle& chunk) {
  constexpr double poll_interval_s = 0.05;
  bool is_interrupted = false;
  {
    const py::gil_scoped_release release;
    while (!chunk.wait_for(poll_interval_s)) {
      if (!python_signals_ok()) {
        is_interrupted = true;
        chunk.cancel();
        chunk.wait();
        break;
      }
    }
  }
  // The handler's exception (KeyboardInterrupt) is still set: raise it with the GIL held.
  if (is_interrupted) throw py::error_already_set();
}

}  // namespace simorch::python
