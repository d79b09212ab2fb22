#include <memory>
#include <vector>

#include "control_laws.hpp"
#include "sliding_surface.hpp"

namespace simorch::detail {
namespace {

/// u = sequence[step], 0 after its end (the seed orchestrator's `control_inputs`).
/// Clones share the immutable sequence, so a task's clone costs no copy of it.
class OpenLoop final : public Controller {
 public:
  explicit OpenLoop(const ControllerConfig& config)
      : sequence_(std::make_shared<const std::vector<double>>(config.sequence)),
        max_force_(config.max_force) {}

  double compute(const State& /*x*/, std::int64_t step, double /*dt*/) override {
    if (step < 0 || static_cast<std::size_t>(step) >= sequence_->size()) return 0.0;
    return saturate((*sequence_)[static_cast<std::size_t>(step)], max_force_);
  }

  std::unique_ptr<Controller> clone() const override { return std::make_unique<OpenLoop>(*this); }

 private:
  std::shared_ptr<const std::vector<double>> sequence_;
  double max_force_;
};

}  // namespace

std::unique_ptr<Controller> make_open_loop(
    const ControllerConfig& config, const DipModel& /*design_model: an open loop needs none*/) {
  return std::make_unique<OpenLoop>(config);
}

}  // namespace simorch::detail
