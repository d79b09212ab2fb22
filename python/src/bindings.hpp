#pragma once
// One bind_* function per concept of the _simorch extension module (python/simorch uses
// it; users see only the pure-Python package). Each lives in its own bind_<name>.cpp.

#include <pybind11/pybind11.h>

namespace simorch::python {

/// simorch::Error, ConfigError and IoError become simorch.errors.Error, ConfigError, IoError.
void bind_errors(pybind11::module_& m);
/// Study, load_study, parse_study, summarize_study.
void bind_study(pybind11::module_& m);
/// BatchResults: a simorch::BatchResultContainer with numpy accessors.
void bind_results(pybind11::module_& m);
/// WorkerPool: the C++ thread pool running Python callables.
void bind_worker_pool(pybind11::module_& m);
/// ParallelOrchestrator / run_parallel_simulations for a study and for open-loop batches.
void bind_orchestrators(pybind11::module_& m);
/// read_batch_info, report_json: the checks and the report of `simorch report`.
void bind_reader(pybind11::module_& m);
/// run_study: a study in process (simorch::run_study_in_process), stoppable from Python.
void bind_run(pybind11::module_& m);

}  // namespace simorch::python
