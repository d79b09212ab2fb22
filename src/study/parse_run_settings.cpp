#include <fmt/core.h>

#include <array>
#include <string_view>

#include "simorch/error.hpp"
#include "study_sections.hpp"

namespace simorch::study_detail {
namespace {

constexpr std::array<std::string_view, 2> output_keys = {"path", "save_every"};
constexpr std::array<std::string_view, 4> execution_keys = {"threads", "min_chunk", "max_chunk",
                                                            "stop_timeout_s"};
// Far beyond any node's core count: larger values are typos that would exhaust threads.
constexpr std::int64_t max_threads = 4096;

}  // namespace

void parse_output(YamlMap section, OutputConfig& output, SimConfig& sim) {
  section.reject_unknown(output_keys);
  if (const auto path = section.text("path")) {
    if (path->empty()) {
      throw ConfigError(section.key_path("path"), "", "allowed: a file name such as out/study.h5");
    }
    output.path = *path;
  }
  sim.save_every = section.integer_at_least("save_every", 0).value_or(sim.save_every);
}

ExecutionConfig parse_execution(YamlMap section) {
  section.reject_unknown(execution_keys);
  ExecutionConfig execution;
  const std::int64_t threads = section.integer_at_least("threads", 0).value_or(execution.threads);
  if (threads > max_threads) {
    throw ConfigError(section.key_path("threads"), std::to_string(threads),
                      fmt::format("allowed: 0 (all cores) to {}", max_threads));
  }
  execution.threads = static_cast<int>(threads);
  execution.min_chunk =
      static_cast<std::uint64_t>(section.integer_at_least("min_chunk", 1)
                                     .value_or(static_cast<std::int64_t>(execution.min_chunk)));
  execution.max_chunk =
      static_cast<std::uint64_t>(section.integer_at_least("max_chunk", 1)
                                     .value_or(static_cast<std::int64_t>(execution.max_chunk)));
  if (execution.max_chunk < execution.min_chunk) {
    throw ConfigError(section.key_path("max_chunk"), std::to_string(execution.max_chunk),
                      fmt::format("allowed: >= min_chunk = {}", execution.min_chunk));
  }
  if (const auto timeout = section.number("stop_timeout_s")) {
    if (!(*timeout > 0.0)) {
      throw ConfigError(section.key_path("stop_timeout_s"), fmt::format("{}", *timeout),
                        "allowed: a number > 0 [s]");
    }
    execution.stop_timeout_s = *timeout;
  }
  return execution;
}

}  // namespace simorch::study_detail
