#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace simorch::cli {

/// Adds one subcommand (its options and callback) to the program.
using CommandFactory = std::function<void(CLI::App&)>;

/// Registers a subcommand at static-initialisation time; `order` sorts --help.
/// A file cmd_<name>.cpp defines one `const CommandRegistration` at namespace scope.
struct CommandRegistration {
  CommandRegistration(int order, CommandFactory factory);
};

/// Calls every registered factory in `order`.
void add_registered_commands(CLI::App& app);

/// Thrown by a subcommand callback to end the program with a given exit code after it
/// has printed its own message (e.g. 75 after a graceful stop).
struct ExitRequest {
  int code;
};

}  // namespace simorch::cli
