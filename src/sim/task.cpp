#include "simorch/sim/task.hpp"

namespace simorch {

std::string_view to_string(TaskStatus status) noexcept {
  switch (status) {
    case TaskStatus::pending:
      return "pending";
    case TaskStatus::completed:
      return "completed";
    case TaskStatus::out_of_bounds:
      return "out_of_bounds";
    case TaskStatus::diverged:
      return "diverged";
    case TaskStatus::error:
      return "error";
  }
  return "unknown";
}

}  // namespace simorch
