// The batch kernel for avx512, built with -mavx512f -ffp-contract=off (src/CMakeLists.txt);
// sin/cos and pow (dp45): SLEEF's deterministic FMA variant (finz), bitwise equal to the AVX2 one.
// Only called after the front end checked that the CPU supports avx512.

#define SIMORCH_KERNEL_NAMESPACE kernel_avx512
#define SIMORCH_KERNEL_ENTRY run_lanes_avx512
#define SIMORCH_KERNEL_NATIVE __m512d
#define SIMORCH_KERNEL_NATIVE_WIDTH 8
#define SIMORCH_KERNEL_GROUPS avx512_register_groups
#define SIMORCH_KERNEL_SINCOS Sleef_finz_sincosd8_u35avx512f
#define SIMORCH_KERNEL_POW Sleef_finz_powd8_u10avx512f
// The masked form: _mm512_sqrt_pd trips GCC 12's -Wmaybe-uninitialized (_mm512_undefined_pd).
#define SIMORCH_KERNEL_SQRT(x) _mm512_mask_sqrt_pd(x, 0xFF, x)
#define SIMORCH_KERNEL_MUL_ADD(a, b, c) _mm512_fmadd_pd(a, b, c)
#define SIMORCH_KERNEL_NMUL_ADD(a, b, c) _mm512_fnmadd_pd(a, b, c)
#define SIMORCH_KERNEL_MUL_SUB(a, b, c) _mm512_fmsub_pd(a, b, c)
#define SIMORCH_KERNEL_ANY(m) \
  _mm512_test_epi64_mask(__builtin_bit_cast(__m512i, m), __builtin_bit_cast(__m512i, m)) != 0
#include "sim/batch_kernel_isa.inc"
