#pragma once

#include <algorithm>

namespace simorch::detail {

/// Waiting times of a main thread with nothing to do: 20 µs doubling to 1 ms, so an idle
/// rank neither spins a core (Open MPI busy-polls inside blocking calls) nor answers late.
class Backoff {
 public:
  /// Seconds to wait now; the next call waits twice as long, up to the maximum.
  double next_s() noexcept {
    const double wait_s = current_s_;
    current_s_ = std::min(current_s_ * 2, max_s_);
    return wait_s;
  }
  /// Something happened: wait briefly next time.
  void reset() noexcept { current_s_ = min_s_; }

 private:
  static constexpr double min_s_ = 20e-6;
  static constexpr double max_s_ = 1e-3;
  double current_s_ = min_s_;
};

}  // namespace simorch::detail
