# cmake -P script behind the install.find_package_consumer test (tests/install/CMakeLists.txt).
# Inputs: SIMORCH_SOURCE_DIR, SIMORCH_BINARY_DIR, CONSUMER_SOURCE_DIR, WORK_DIR, GENERATOR,
# CXX_COMPILER, BUILD_TYPE.
cmake_minimum_required(VERSION 3.25)

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (exit ${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

run_step("install the build tree" ${CMAKE_COMMAND} --install "${SIMORCH_BINARY_DIR}" --prefix "${prefix}")

# The installed package must stand on its own: no path into the source or build tree.
file(GLOB_RECURSE package_files "${prefix}/*/cmake/simorch/*.cmake")
if(NOT package_files)
  message(FATAL_ERROR "no CMake package files under ${prefix}")
endif()
foreach(f IN LISTS package_files)
  file(READ "${f}" text)
  foreach(tree IN ITEMS "${SIMORCH_SOURCE_DIR}/" "${SIMORCH_BINARY_DIR}/")
    string(FIND "${text}" "${tree}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${f} refers to ${tree}; the installed package would break once that tree is gone")
    endif()
  endforeach()
endforeach()
foreach(header IN ITEMS simorch/parallel/parallel_orchestrator.hpp simorch/version.hpp)
  if(NOT EXISTS "${prefix}/include/${header}")
    message(FATAL_ERROR "${header} was not installed under ${prefix}/include")
  endif()
endforeach()

# Only the scratch prefix may provide simorch: no package registry, no build-tree export.
run_step("configure the consumer" ${CMAKE_COMMAND} -S "${CONSUMER_SOURCE_DIR}" -B "${build}"
  -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
  -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
run_step("build the consumer" ${CMAKE_COMMAND} --build "${build}")
run_step("run the consumer" "${build}/simorch_consumer")
message(STATUS "${step_output}")
