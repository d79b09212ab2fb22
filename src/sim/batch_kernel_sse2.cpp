// The batch kernel for sse2, built with the x86-64 baseline (no -m flags) and -ffp-contract=off
// (src/CMakeLists.txt); sin/cos from SLEEF's deterministic non-FMA sin/cos (cinz): SSE2 has no FMA.
// Only called after the front end checked that the CPU supports sse2.

#include <immintrin.h>
#include <sleef.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sim/batch_kernel_plan.hpp"

namespace simorch::detail {
namespace kernel_sse2 {

using Native = __m128d;
constexpr int native = 2;
constexpr int groups = sse2_register_groups;

inline void native_sincos(Native x, Native& s, Native& c) {
  const Sleef___m128d_2 r = Sleef_cinz_sincosd2_u35sse2(x);
  s = r.x;
  c = r.y;
}
inline Native native_sqrt(Native x) {
  return _mm_sqrt_pd(x);
}

// The order matters: the loop is written over V.
// clang-format off
#include "sim/batch_kernel_lanes.inc"  // V, Mask and their arithmetic
#include "sim/batch_kernel_impl.inc"   // the closed loop over V
// clang-format on

}  // namespace kernel_sse2

void run_lanes_sse2(const KernelPlan& plan, LaneIo* lanes) {
  kernel_sse2::run_lanes(plan, lanes);
}

}  // namespace simorch::detail
