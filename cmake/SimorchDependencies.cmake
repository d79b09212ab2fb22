# Every dependency comes from Debian packages (scripts/install-deps).
find_package(Threads REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(MPI REQUIRED COMPONENTS CXX)
find_package(Boost 1.74 REQUIRED COMPONENTS mpi serialization)
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(Pagmo REQUIRED)  # controller tuning (src/tune), Debian libpagmo-dev
find_package(CLI11 CONFIG QUIET)

# Debian's HDF5 1.10 has no imported target; wrap its variables once, here.
if(NOT TARGET simorch_hdf5)
  add_library(simorch_hdf5 INTERFACE)
  if(TARGET hdf5::hdf5)
    target_link_libraries(simorch_hdf5 INTERFACE hdf5::hdf5)
  else()
    target_include_directories(simorch_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS} ${HDF5_INCLUDE_DIRS})
    target_link_libraries(simorch_hdf5 INTERFACE ${HDF5_C_LIBRARIES})
    target_compile_definitions(simorch_hdf5 INTERFACE ${HDF5_C_DEFINITIONS} ${HDF5_DEFINITIONS})
  endif()
endif()

# Random123 and CLI11 are header-only; Debian ships no CMake config for Random123.
find_path(SIMORCH_RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
add_library(simorch_random123 INTERFACE)
target_include_directories(simorch_random123 SYSTEM INTERFACE ${SIMORCH_RANDOM123_INCLUDE_DIR})
if(NOT TARGET CLI11::CLI11)
  find_path(SIMORCH_CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 SYSTEM INTERFACE ${SIMORCH_CLI11_INCLUDE_DIR})
endif()

# SLEEF (Debian libsleef-dev, no CMake config): the batch kernel's vector sin/cos (docs/kernel.md).
find_path(SIMORCH_SLEEF_INCLUDE_DIR sleef.h REQUIRED)
find_library(SIMORCH_SLEEF_LIBRARY sleef REQUIRED)
add_library(simorch_sleef INTERFACE)
target_include_directories(simorch_sleef SYSTEM INTERFACE ${SIMORCH_SLEEF_INCLUDE_DIR})
target_link_libraries(simorch_sleef INTERFACE ${SIMORCH_SLEEF_LIBRARY})
