#pragma once

namespace phiguard::policy::decode {

/// Which instructions a vector decoder may use: the best the CPU has (AVX2 or AVX-512 where
/// present), or SSE2 alone (for tests, so that both ways run on a machine with the wider ones).
enum class simd { best, sse2 };

}  // namespace phiguard::policy::decode
