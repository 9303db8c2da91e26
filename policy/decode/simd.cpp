#include "policy/decode/simd.hpp"

#include <cstdlib>
#include <string_view>

namespace phiguard::policy::decode::cpu {

// __builtin_cpu_supports also checks that the OS enabled the registers' state (XCR0), so a
// kernel without AVX-512 support gets the narrower paths. __builtin_cpu_init first: these run
// as static initializers, which may come before libgcc's own.
#if defined(__GNUC__) && defined(__x86_64__)
namespace {

// PHIGUARD_SIMD=avx2 or =sse2 caps the widest path (to measure the narrower ones on a machine
// with AVX-512, or to rule the wide decoders out when chasing a fault). They decode alike.
bool allowed(const char* level) {
    const char* cap = std::getenv("PHIGUARD_SIMD");
    if (!cap) return true;
    const std::string_view c(cap);
    if (c == "sse2") return false;
    if (c == "avx2") return std::string_view(level) == "avx2";
    return true;
}

}  // namespace

const bool avx2 = [] {
    __builtin_cpu_init();
    return allowed("avx2") && __builtin_cpu_supports("avx2") != 0;
}();

const bool avx512 = [] {
    __builtin_cpu_init();
    return allowed("avx512") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2") &&
           __builtin_cpu_supports("bmi2");
}();
#else
const bool avx2 = false;
const bool avx512 = false;
#endif

}  // namespace phiguard::policy::decode::cpu
