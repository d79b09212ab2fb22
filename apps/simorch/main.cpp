// simorch: Monte Carlo studies of a controlled double inverted pendulum.
// Maps every error to a one-line message and the exit codes of style.md.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <utility>
#include <vector>

#include "command_registry.hpp"
#include "simorch/error.hpp"
#include "simorch/version.hpp"

namespace simorch::cli {
namespace {
std::vector<std::pair<int, CommandFactory>>& registry() {
  static std::vector<std::pair<int, CommandFactory>> commands;
  return commands;
}
}  // namespace

CommandRegistration::CommandRegistration(int order, CommandFactory factory) {
  registry().emplace_back(order, std::move(factory));
}

void add_registered_commands(CLI::App& app) {
  auto& commands = registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, factory] : commands) factory(app);
}
}  // namespace simorch::cli

int main(int argc, char** argv) {
  using namespace simorch;
  CLI::App app{
      "simorch: Monte Carlo studies of a controlled double inverted pendulum,\n"
      "from one core to many nodes (mpirun -np N simorch run study.yaml)."};
  app.set_version_flag("--version", std::string("simorch ") + simorch::version);
  app.require_subcommand(0, 1);
  cli::add_registered_commands(app);
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      std::fputs(app.help().c_str(), stdout);
      return exit_code::bad_input;
    }
    return exit_code::success;
  } catch (const CLI::CallForHelp&) {
    return app.exit(CLI::CallForHelp());
  } catch (const CLI::CallForAllHelp&) {
    return app.exit(CLI::CallForAllHelp());
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage errors: one line, exit 2 (CLI11 would use other codes).
    fmt::print(stderr, "simorch: {}\nRun 'simorch --help' for usage.\n", e.what());
    return exit_code::bad_input;
  } catch (const cli::ExitRequest& request) {
    return request.code;
  } catch (const ConfigError& e) {
    fmt::print(stderr, "simorch: error: {}\n", e.what());
    return exit_code::bad_input;
  } catch (const IoError& e) {
    fmt::print(stderr, "simorch: error: {}\n", e.what());
    return e.is_bad_input() ? exit_code::bad_input : exit_code::runtime_failure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "simorch: error: {}\n", e.what());
    return exit_code::runtime_failure;
  }
}
