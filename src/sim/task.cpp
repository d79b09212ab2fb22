#include "simorch/sim/task.hpp"

#include <array>

namespace simorch {

std::string_view to_string(TaskStatus status) noexcept {
  // Indexed by the enum's value, which /results/status stores (docs/hdf5-schema.md).
  static constexpr std::array<std::string_view, task_status_count> names = {
      "pending", "completed", "out_of_bounds", "diverged", "error", "not_run"};
  const auto index = static_cast<std::size_t>(status);
  return index < names.size() ? names[index] : std::string_view("unknown");
}

}  // namespace simorch
