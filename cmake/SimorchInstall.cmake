include(CMakePackageConfigHelpers)
get_property(simorch_modules GLOBAL PROPERTY SIMORCH_MODULES)
install(TARGETS simorch ${simorch_modules} EXPORT simorchTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS simorch_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/simorch DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES "${PROJECT_BINARY_DIR}/generated/include/simorch/version.hpp" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/simorch)
# Private link dependencies of the static layers are exported as targets too.
install(TARGETS simorch_hdf5 simorch_random123 simorch_warnings simorch_sanitizers EXPORT simorchTargets)
install(EXPORT simorchTargets NAMESPACE simorch:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/simorch)
configure_package_config_file(cmake/simorchConfig.cmake.in "${PROJECT_BINARY_DIR}/simorchConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/simorch)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/simorchConfigVersion.cmake" COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/simorchConfig.cmake" "${PROJECT_BINARY_DIR}/simorchConfigVersion.cmake"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/simorch)
