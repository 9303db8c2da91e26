#include "policy/decode/simd.hpp"

namespace phiguard::policy::decode {

// __builtin_cpu_supports reads CPUID once at start-up and also checks that the OS enabled the
// registers' state (XCR0), so a kernel without AVX-512 support gets the narrower paths.
#if defined(__GNUC__) && defined(__x86_64__)
bool has_avx2() noexcept {
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes;
}

bool has_avx512() noexcept {
    static const bool yes = __builtin_cpu_supports("avx512bw") &&
                            __builtin_cpu_supports("avx512vbmi") &&
                            __builtin_cpu_supports("avx512vbmi2");
    return yes;
}
#else
bool has_avx2() noexcept {
    return false;
}

bool has_avx512() noexcept {
    return false;
}
#endif

}  // namespace phiguard::policy::decode
