#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace phiguard::policy::decode {

/// Streaming Content-Encoding decoder (identity, gzip, x-gzip, deflate, br, and stacked
/// encodings such as "gzip, br" are refused as uninspectable) with two bounds: total output
/// bytes and output/input ratio, so a decompression bomb stops early instead of filling memory.
class inflater {
public:
    struct limits {
        std::size_t max_output = 16u << 20;
        std::size_t max_ratio = 100;
    };

    /// encoding is the Content-Encoding header value; empty or "identity" passes bytes through.
    inflater(std::string_view encoding, limits lim);
    ~inflater();
    inflater(const inflater&) = delete;
    inflater& operator=(const inflater&) = delete;

    /// Appends the decoding of chunk to out. Returns false once the stream failed or a bound
    /// was crossed; error() then says why (never the content).
    bool feed(std::string_view chunk, std::string& out);
    /// Checks the stream ended cleanly (a truncated gzip member is an error).
    bool finish();
    const std::string& error() const noexcept { return error_; }
    bool identity() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::string error_;
};

}  // namespace phiguard::policy::decode
