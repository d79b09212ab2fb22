#include <exception>

#include "bindings.hpp"
#include "simorch/error.hpp"

namespace py = pybind11;

namespace simorch::python {
namespace {

/// Raises simorch.errors.<name>(*args): the classes are pure Python so that they carry
/// named fields, pickle, and can be raised by the Python layer too.
template <class... Args>
void raise_python(const char* name, Args&&... args) {
  const py::object cls = py::module_::import("simorch.errors").attr(name);
  const py::object error = cls(std::forward<Args>(args)...);
  PyErr_SetObject(cls.ptr(), error.ptr());
}

}  // namespace

void bind_errors(py::module_& /*m*/) {
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      raise_python("ConfigError", e.what(), e.key_path(), e.value(), e.allowed());
    } catch (const IoError& e) {
      raise_python("IoError", e.what(), e.file(), e.operation(), e.is_bad_input());
    } catch (const Error& e) {
      raise_python("Error", e.what());
    }
  });
}

}  // namespace simorch::python
