#pragma once

// How a task's summary gets its status and message; shared by the scalar path and the
// batch kernel so both word their outcomes identically.

#include <cstdarg>
#include <cstdio>

#include "simorch/sim/task.hpp"

namespace simorch::detail {

/// Ends a task with `status` and a printf-formatted reason, truncated to the fixed buffer
/// (the summary travels as raw bytes, so no std::string).
[[gnu::format(printf, 3, 4)]] inline void stop(TaskSummary& summary, TaskStatus status,
                                               const char* format, ...) noexcept {
  summary.status = status;
  std::va_list args;
  va_start(args, format);
  std::vsnprintf(summary.message, TaskSummary::message_capacity, format, args);
  va_end(args);
}

}  // namespace simorch::detail
