#include "control_laws.hpp"
#include "simorch/control/lqr_design.hpp"
#include "sliding_surface.hpp"

namespace simorch::detail {
namespace {

/// u = −K·x with K from the Riccati equation of the design model's upright linearisation.
/// Stateless; the gain is computed once by make_controller and copied by clone.
class Lqr final : public Controller {
 public:
  Lqr(const Eigen::Matrix<double, 1, 6>& gain, double max_force)
      : gain_(gain), max_force_(max_force) {}

  double compute(const State& x, std::int64_t /*step*/, double /*dt*/) override {
    return saturate(-gain_.dot(x), max_force_);
  }

  std::unique_ptr<Controller> clone() const override { return std::make_unique<Lqr>(*this); }

 private:
  Eigen::Matrix<double, 1, 6> gain_;
  double max_force_;
};

}  // namespace

std::unique_ptr<Controller> make_lqr(const ControllerConfig& config, const DipModel& design_model) {
  const Eigen::Matrix<double, 6, 1> q =
      Eigen::Map<const Eigen::Matrix<double, 6, 1>>(config.q.data());
  const LqrDesign design = design_lqr(design_model.linearize(), q, config.r);
  return std::make_unique<Lqr>(design.gain, config.max_force);
}

}  // namespace simorch::detail
