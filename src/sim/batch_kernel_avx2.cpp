// The batch kernel for avx2, built with -mavx2 -mfma and -ffp-contract=off
// (src/CMakeLists.txt); sin/cos from SLEEF's deterministic FMA sin/cos (finz), bitwise equal to the
// AVX-512 one. Only called after the front end checked that the CPU supports avx2.

#include <immintrin.h>
#include <sleef.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sim/batch_kernel_plan.hpp"

namespace simorch::detail {
namespace kernel_avx2 {

using Native = __m256d;
constexpr int native = 4;
constexpr int groups = avx2_register_groups;

inline void native_sincos(Native x, Native& s, Native& c) {
  const Sleef___m256d_2 r = Sleef_finz_sincosd4_u35avx2(x);
  s = r.x;
  c = r.y;
}
inline Native native_sqrt(Native x) {
  return _mm256_sqrt_pd(x);
}

// The order matters: the loop is written over V.
// clang-format off
#include "sim/batch_kernel_lanes.inc"  // V, Mask and their arithmetic
#include "sim/batch_kernel_impl.inc"   // the closed loop over V
// clang-format on

}  // namespace kernel_avx2

void run_lanes_avx2(const KernelPlan& plan, LaneIo* lanes) {
  kernel_avx2::run_lanes(plan, lanes);
}

}  // namespace simorch::detail
