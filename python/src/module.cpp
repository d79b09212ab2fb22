// The compiled core of the `simorch` Python package. Thin on purpose: it exposes the C++
// library's stable public API (study, parallel, run, io reader, analysis report); argument
// handling, broadcasting and the seed's API names live in python/simorch/*.py.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "simorch/version.hpp"

PYBIND11_MODULE(_simorch, m) {
  m.doc() = "Compiled core of the simorch package (use `import simorch`).";
  m.attr("__version__") = simorch::version;
  simorch::python::bind_errors(m);
  simorch::python::bind_study(m);
  simorch::python::bind_results(m);
  simorch::python::bind_worker_pool(m);
  simorch::python::bind_orchestrators(m);
  simorch::python::bind_reader(m);
  simorch::python::bind_run(m);
}
