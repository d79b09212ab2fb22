#pragma once

#include <pybind11/pybind11.h>

#include "simorch/parallel/worker_pool.hpp"

namespace simorch::python {

/// Waits for `chunk` with the GIL released, and every 50 ms takes the GIL briefly to run
/// Python's signal handlers (PyErr_CheckSignals): Ctrl-C in a notebook or terminal then
/// raises KeyboardInterrupt here. On such an exception the chunk's unstarted items are
/// cancelled and the running ones finish before it propagates, so nothing still refers
/// to the caller's frame. Call with the GIL held.
void wait_interruptibly(const ChunkHandle& chunk);

/// Takes the GIL and runs Python's signal handlers; returns false when one raised (the
/// Python error is then set and the caller must raise error_already_set with the GIL).
bool python_signals_ok();

}  // namespace simorch::python
