#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace phiguard::e2e {

/// The byte at `offset` of the origin's generated /bytes stream; depends on the offset so a
/// proxy that drops, repeats or reorders a block changes the content, not just the length.
inline char pattern_byte(std::uint64_t offset) {
    return static_cast<char>((offset * 131u + (offset >> 12)) % 251u);
}

/// Fills `out[0..n)` with the pattern starting at `offset`.
void fill_pattern(char* out, std::uint64_t offset, std::size_t n);
/// The first `n` bytes of the pattern.
std::string pattern_bytes(std::size_t n);
/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace phiguard::e2e
