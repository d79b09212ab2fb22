#pragma once

// The argument loop of the benchmark executables that parse their own flags (bench_mpi,
// bench_writer): every argument in turn, with a value() that takes the next one.

#include <stdexcept>
#include <string>
#include <string_view>

namespace simorch::bench {

/// Calls on_arg(arg, value) for each argument of argv[1..]; value() returns the next
/// argument (consuming it) or throws std::invalid_argument naming `arg` when there is none.
template <class OnArg>
void for_each_arg(int argc, char** argv, OnArg&& on_arg) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> const char* {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
      return argv[++i];
    };
    on_arg(arg, value);
  }
}

}  // namespace simorch::bench
