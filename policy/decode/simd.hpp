#pragma once

namespace phiguard::policy::decode {

/// The widest instructions a vector decoder may use: the best the CPU has, or at most AVX2, or
/// SSE2 alone (for tests, so that every way runs on a machine that has the wider ones).
enum class simd { best, avx2, sse2 };

namespace cpu {
// Read once at start-up (simd.cpp). Asked before every 64-byte window, so a load, not a call.
// (Code run by another file's static initializers before these are set sees false, and takes
// the SSE2 ways, which decode the same.)
extern const bool avx2, avx512;
}  // namespace cpu

/// True if the CPU (and the OS, which must save the wider registers) has AVX2.
inline bool has_avx2() noexcept {
    return cpu::avx2;
}
/// True if it has the AVX-512 the 64-byte decoders use: BW, VBMI and VBMI2 (and BMI2).
inline bool has_avx512() noexcept {
    return cpu::avx512;
}

/// Whether `use` allows the wider instruction sets, and the CPU has them.
inline bool use_avx512(simd use) noexcept {
    return use == simd::best && has_avx512();
}
inline bool use_avx2(simd use) noexcept {
    return use != simd::sse2 && has_avx2();
}

}  // namespace phiguard::policy::decode
