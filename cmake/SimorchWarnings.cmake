# Warnings as an INTERFACE target, linked PRIVATE by every simorch target.
add_library(simorch_warnings INTERFACE)
target_compile_options(simorch_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion
  -Wimplicit-fallthrough -Wformat=2)
if(SIMORCH_WARNINGS_AS_ERRORS)
  target_compile_options(simorch_warnings INTERFACE -Werror)
endif()
# GCC's -Wmaybe-uninitialized gives false positives once sanitizers instrument the code
# (seen in Boost.MPI's status.hpp, boost::optional<int>); the Release build keeps it.
if(SIMORCH_ENABLE_ASAN_UBSAN OR SIMORCH_ENABLE_TSAN)
  target_compile_options(simorch_warnings INTERFACE -Wno-maybe-uninitialized)
endif()
# Under ThreadSanitizer GCC 12 also reports a "potential null pointer dereference" inside
# libstdc++'s std::string when CLI11's split() grows a vector (CLI/StringTools.hpp); the
# Release and ASan builds keep -Wnull-dereference.
if(SIMORCH_ENABLE_TSAN)
  target_compile_options(simorch_warnings INTERFACE -Wno-null-dereference)
endif()
