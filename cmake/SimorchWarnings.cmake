# Warnings as an INTERFACE target, linked PRIVATE by every simorch target.
add_library(simorch_warnings INTERFACE)
target_compile_options(simorch_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion
  -Wimplicit-fallthrough -Wformat=2)
if(SIMORCH_WARNINGS_AS_ERRORS)
  target_compile_options(simorch_warnings INTERFACE -Werror)
endif()
