// The batch kernel for avx2, built with -mavx2 -mfma -ffp-contract=off (src/CMakeLists.txt);
// sin/cos and pow (dp45): SLEEF's deterministic FMA variant (finz), bitwise equal to the AVX-512
// one. Only called after the front end checked that the CPU supports avx2.

#define SIMORCH_KERNEL_NAMESPACE kernel_avx2
#define SIMORCH_KERNEL_ENTRY run_lanes_avx2
#define SIMORCH_KERNEL_NATIVE __m256d
#define SIMORCH_KERNEL_NATIVE_WIDTH 4
#define SIMORCH_KERNEL_GROUPS avx2_register_groups
#define SIMORCH_KERNEL_SINCOS Sleef_finz_sincosd4_u35avx2
#define SIMORCH_KERNEL_POW Sleef_finz_powd4_u10avx2
#define SIMORCH_KERNEL_SQRT(x) _mm256_sqrt_pd(x)
#define SIMORCH_KERNEL_MUL_ADD(a, b, c) _mm256_fmadd_pd(a, b, c)
#define SIMORCH_KERNEL_NMUL_ADD(a, b, c) _mm256_fnmadd_pd(a, b, c)
#define SIMORCH_KERNEL_MUL_SUB(a, b, c) _mm256_fmsub_pd(a, b, c)
#define SIMORCH_KERNEL_ANY(m) _mm256_movemask_pd(__builtin_bit_cast(__m256d, m)) != 0
#include "sim/batch_kernel_isa.inc"
