include(CMakePackageConfigHelpers)
get_property(simorch_modules GLOBAL PROPERTY SIMORCH_MODULES)
install(TARGETS simorch ${simorch_modules} EXPORT simorchTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS simorch_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/simorch DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES "${PROJECT_BINARY_DIR}/generated/include/simorch/version.hpp" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/simorch)
# Private link dependencies of the static layers are exported as targets too.
install(TARGETS simorch_hdf5 simorch_random123 simorch_sleef simorch_warnings simorch_sanitizers EXPORT simorchTargets)
install(EXPORT simorchTargets NAMESPACE simorch:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/simorch)
# Read by simorchConfig.cmake.in: whether the export links hdf5::hdf5, and what that target
# holds, so that the config file can recreate it without FindHDF5.
if(TARGET hdf5::hdf5)
  set(SIMORCH_EXPORT_USES_HDF5_TARGET ON)
  get_target_property(SIMORCH_HDF5_INCLUDE_DIRS hdf5::hdf5 INTERFACE_INCLUDE_DIRECTORIES)
  get_target_property(SIMORCH_HDF5_LIBRARIES hdf5::hdf5 INTERFACE_LINK_LIBRARIES)
  get_target_property(SIMORCH_HDF5_DEFINITIONS hdf5::hdf5 INTERFACE_COMPILE_DEFINITIONS)
  foreach(var IN ITEMS SIMORCH_HDF5_INCLUDE_DIRS SIMORCH_HDF5_LIBRARIES SIMORCH_HDF5_DEFINITIONS)
    if(NOT ${var})  # also clears <var>-NOTFOUND
      set(${var} "")
    endif()
  endforeach()
  # FindHDF5 makes hdf5::hdf5 an imported library: its file is the IMPORTED_LOCATION.
  get_target_property(SIMORCH_HDF5_LOCATION hdf5::hdf5 IMPORTED_LOCATION)
  if(SIMORCH_HDF5_LOCATION)
    list(PREPEND SIMORCH_HDF5_LIBRARIES "${SIMORCH_HDF5_LOCATION}")
  endif()
else()
  set(SIMORCH_EXPORT_USES_HDF5_TARGET OFF)
endif()
configure_package_config_file(cmake/simorchConfig.cmake.in "${PROJECT_BINARY_DIR}/simorchConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/simorch)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/simorchConfigVersion.cmake" COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/simorchConfig.cmake" "${PROJECT_BINARY_DIR}/simorchConfigVersion.cmake"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/simorch)
