#include "policy/decode/simd.hpp"

namespace phiguard::policy::decode::cpu {

// __builtin_cpu_supports also checks that the OS enabled the registers' state (XCR0), so a
// kernel without AVX-512 support gets the narrower paths. __builtin_cpu_init first: these run
// as static initializers, which may come before libgcc's own.
#if defined(__GNUC__) && defined(__x86_64__)
const bool avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
}();

const bool avx512 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") &&
           __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("bmi2");
}();
#else
const bool avx2 = false;
const bool avx512 = false;
#endif

}  // namespace phiguard::policy::decode::cpu
