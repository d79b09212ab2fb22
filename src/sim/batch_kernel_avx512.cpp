// The batch kernel for avx512, built with -mavx512f and -ffp-contract=off
// (src/CMakeLists.txt); sin/cos from SLEEF's deterministic FMA sin/cos (finz), bitwise equal to the
// AVX2 one. Only called after the front end checked that the CPU supports avx512.

#include <immintrin.h>
#include <sleef.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sim/batch_kernel_plan.hpp"

namespace simorch::detail {
namespace kernel_avx512 {

using Native = __m512d;
constexpr int native = 8;
constexpr int groups = avx512_register_groups;

inline void native_sincos(Native x, Native& s, Native& c) {
  const Sleef___m512d_2 r = Sleef_finz_sincosd8_u35avx512f(x);
  s = r.x;
  c = r.y;
}
// The masked form: _mm512_sqrt_pd trips GCC 12's -Wmaybe-uninitialized (_mm512_undefined_pd).
inline Native native_sqrt(Native x) {
  return _mm512_mask_sqrt_pd(x, 0xFF, x);
}

// The order matters: the loop is written over V.
// clang-format off
#include "sim/batch_kernel_lanes.inc"  // V, Mask and their arithmetic
#include "sim/batch_kernel_impl.inc"   // the closed loop over V
// clang-format on

}  // namespace kernel_avx512

void run_lanes_avx512(const KernelPlan& plan, LaneIo* lanes) {
  kernel_avx512::run_lanes(plan, lanes);
}

}  // namespace simorch::detail
