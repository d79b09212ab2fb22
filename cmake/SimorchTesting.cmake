include(GoogleTest)
find_package(GTest REQUIRED)

# simorch_tests_<label> builds every test program of that label and nothing else, so a
# CI stage that runs one label (scripts/test-asan, scripts/test-tsan) skips the rest of
# the default target (benchmarks, the Python module, the header checks, other tests).
function(simorch_add_to_label_targets name)
  foreach(label IN LISTS ARGN)
    string(MAKE_C_IDENTIFIER "${label}" id)
    if(NOT TARGET simorch_tests_${id})
      add_custom_target(simorch_tests_${id})
    endif()
    add_dependencies(simorch_tests_${id} ${name})
  endforeach()
endfunction()

# simorch_add_test(NAME SOURCES ... [LIBS ...] [LABELS ...])
# A serial GoogleTest executable; each TEST becomes its own ctest entry.
function(simorch_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main simorch_warnings simorch_sanitizers)
  target_compile_definitions(${name} PRIVATE
    SIMORCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}" SIMORCH_BINARY_DIR="${PROJECT_BINARY_DIR}")
  simorch_add_to_label_targets(${name} ${T_LABELS})
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
               ENVIRONMENT "SIMORCH_EXE=$<TARGET_FILE:simorch_cli>")
endfunction()

# Environment every mpiexec launch needs here: root runs, and no busy-poll yield fights.
set(SIMORCH_MPI_TEST_ENV OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none)

# simorch_add_mpi_test(NAME SOURCES ... [LIBS ...] RANKS 1 2 3 4 [MPIEXEC_ARGS ...])
# One executable under an MPI-aware gtest main, registered as NAME.<N>ranks for each N.
function(simorch_add_mpi_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;RANKS;MPIEXEC_ARGS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} simorch_mpi_gtest_main simorch_warnings simorch_sanitizers)
  target_compile_definitions(${name} PRIVATE
    SIMORCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}" SIMORCH_BINARY_DIR="${PROJECT_BINARY_DIR}")
  simorch_add_to_label_targets(${name} mpi ${T_LABELS})
  foreach(n IN LISTS T_RANKS)
    add_test(NAME ${name}.${n}ranks
      COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${n} --oversubscribe ${T_MPIEXEC_ARGS}
              ${MPIEXEC_PREFLAGS} $<TARGET_FILE:${name}> ${MPIEXEC_POSTFLAGS})
    set_tests_properties(${name}.${n}ranks PROPERTIES PROCESSORS ${n} TIMEOUT ${T_TIMEOUT}
      LABELS "mpi;${T_LABELS}" ENVIRONMENT "${SIMORCH_MPI_TEST_ENV};SIMORCH_EXE=$<TARGET_FILE:simorch_cli>")
  endforeach()
endfunction()
