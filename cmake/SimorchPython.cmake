# The Python package in python/ (docs/python.md): on for the top-level project when
# pybind11 is installed. Off under sanitizers: the interpreter would need the sanitizer
# runtime preloaded to load an instrumented module.
set(simorch_python_default OFF)
if(SIMORCH_IS_TOP_LEVEL AND NOT SIMORCH_ENABLE_ASAN_UBSAN AND NOT SIMORCH_ENABLE_TSAN)
  # Debian's interpreter has numpy, h5py and pandas; a python3 found first on the PATH
  # (pyenv, conda) may not (design.md, "Machine facts").
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "Interpreter the Python package is built for")
  endif()
  find_package(Python3 COMPONENTS Interpreter Development.Module QUIET)
  if(Python3_FOUND)
    find_package(pybind11 CONFIG QUIET)
  endif()
  if(pybind11_FOUND)
    set(simorch_python_default ON)
  endif()
endif()
option(SIMORCH_BUILD_PYTHON "Build the Python package (pybind11)" ${simorch_python_default})
if(SIMORCH_BUILD_PYTHON)
  if(NOT pybind11_FOUND)
    find_package(Python3 COMPONENTS Interpreter Development.Module REQUIRED)
    find_package(pybind11 CONFIG REQUIRED)
  endif()
  add_subdirectory(python)
endif()
