// The batch kernel for sse2, built with the x86-64 baseline flags -ffp-contract=off
// (src/CMakeLists.txt); sin/cos and pow (dp45): SLEEF's deterministic non-FMA variant (cinz): SSE2
// has no FMA. Only called after the front end checked that the CPU supports sse2.

#define SIMORCH_KERNEL_NAMESPACE kernel_sse2
#define SIMORCH_KERNEL_ENTRY run_lanes_sse2
#define SIMORCH_KERNEL_NATIVE __m128d
#define SIMORCH_KERNEL_NATIVE_WIDTH 2
#define SIMORCH_KERNEL_GROUPS sse2_register_groups
#define SIMORCH_KERNEL_SINCOS Sleef_cinz_sincosd2_u35sse2
#define SIMORCH_KERNEL_POW Sleef_cinz_powd2_u10sse2
#define SIMORCH_KERNEL_SQRT(x) _mm_sqrt_pd(x)
#define SIMORCH_KERNEL_MUL_ADD(a, b, c) ((a) * (b) + (c))
#define SIMORCH_KERNEL_NMUL_ADD(a, b, c) ((c) - (a) * (b))
#define SIMORCH_KERNEL_MUL_SUB(a, b, c) ((a) * (b) - (c))
#define SIMORCH_KERNEL_ANY(m) _mm_movemask_pd(__builtin_bit_cast(__m128d, m)) != 0
#include "sim/batch_kernel_isa.inc"
