#include "policy/decode/inflate.hpp"

#include <brotli/decode.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace phiguard::policy::decode {

enum class codec { identity, zlib_auto, deflate, brotli, unknown };

struct inflater::impl {
    codec kind = codec::identity;
    limits lim;
    z_stream z{};
    bool z_open = false;
    bool deflate_retried = false;
    BrotliDecoderState* br = nullptr;
    std::size_t in_total = 0, out_total = 0;
    bool done = false, failed = false;
};

namespace {

std::string lower_trim(std::string_view s) {
    std::string r;
    for (char c : s)
        if (!std::isspace(static_cast<unsigned char>(c)))
            r.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return r;
}

}  // namespace

inflater::inflater(std::string_view encoding, limits lim) : impl_(std::make_unique<impl>()) {
    impl_->lim = lim;
    const std::string e = lower_trim(encoding);
    if (e.empty() || e == "identity") {
        impl_->kind = codec::identity;
    } else if (e == "gzip" || e == "x-gzip") {
        impl_->kind = codec::zlib_auto;
        impl_->z_open = inflateInit2(&impl_->z, 15 + 32) == Z_OK;
    } else if (e == "deflate") {
        impl_->kind = codec::deflate;
        impl_->z_open = inflateInit2(&impl_->z, 15) == Z_OK;
    } else if (e == "br") {
        impl_->kind = codec::brotli;
        impl_->br = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    } else {
        impl_->kind = codec::unknown;
        impl_->failed = true;
        error_ = "unsupported content-encoding";
    }
}

inflater::~inflater() {
    if (impl_->z_open) inflateEnd(&impl_->z);
    if (impl_->br) BrotliDecoderDestroyInstance(impl_->br);
}

bool inflater::identity() const noexcept {
    return impl_->kind == codec::identity;
}

bool inflater::feed(std::string_view chunk, std::string& out) {
    auto& s = *impl_;
    if (s.failed) return false;
    s.in_total += chunk.size();
    auto bounded = [&](std::size_t produced) {
        s.out_total += produced;
        if (s.out_total > s.lim.max_output) {
            error_ = "decoded body exceeds the inspection size limit";
            return false;
        }
        // Small outputs are never bombs; past 64 KiB the ratio must stay plausible.
        if (s.out_total > (64u << 10) && s.out_total > s.in_total * s.lim.max_ratio) {
            error_ = "decompression ratio exceeds the limit";
            return false;
        }
        return true;
    };
    if (s.kind == codec::identity) {
        out.append(chunk);
        if (!bounded(chunk.size())) return !(s.failed = true);
        return true;
    }
    std::array<unsigned char, 16384> buf{};
    if (s.kind == codec::brotli) {
        if (!s.br) return !(s.failed = true);
        std::size_t avail_in = chunk.size();
        const auto* next_in = reinterpret_cast<const uint8_t*>(chunk.data());
        while (true) {
            std::size_t avail_out = buf.size();
            uint8_t* next_out = buf.data();
            const auto r = BrotliDecoderDecompressStream(s.br, &avail_in, &next_in, &avail_out,
                                                         &next_out, nullptr);
            const std::size_t produced = buf.size() - avail_out;
            out.append(reinterpret_cast<const char*>(buf.data()), produced);
            if (!bounded(produced)) return !(s.failed = true);
            if (r == BROTLI_DECODER_RESULT_ERROR) {
                error_ = "brotli stream is corrupt";
                return !(s.failed = true);
            }
            if (r == BROTLI_DECODER_RESULT_SUCCESS) {
                s.done = true;
                return true;
            }
            if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) return true;
        }
    }
    if (!s.z_open) {
        error_ = "zlib initialisation failed";
        return !(s.failed = true);
    }
    s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
    s.z.avail_in = static_cast<uInt>(chunk.size());
    while (s.z.avail_in > 0 && !s.done) {
        s.z.next_out = buf.data();
        s.z.avail_out = static_cast<uInt>(buf.size());
        const int r = inflate(&s.z, Z_NO_FLUSH);
        const std::size_t produced = buf.size() - s.z.avail_out;
        out.append(reinterpret_cast<const char*>(buf.data()), produced);
        if (!bounded(produced)) return !(s.failed = true);
        if (r == Z_STREAM_END) {
            s.done = true;
        } else if (r == Z_DATA_ERROR && s.kind == codec::deflate && !s.deflate_retried &&
                   s.out_total == 0) {
            // "deflate" in the wild is often raw deflate without the zlib wrapper.
            s.deflate_retried = true;
            inflateEnd(&s.z);
            s.z = z_stream{};
            if (inflateInit2(&s.z, -15) != Z_OK) return !(s.failed = true);
            s.in_total -= chunk.size();
            return feed(chunk, out);
        } else if (r != Z_OK && r != Z_BUF_ERROR) {
            error_ = "compressed stream is corrupt";
            return !(s.failed = true);
        }
    }
    return true;
}

bool inflater::finish() {
    auto& s = *impl_;
    if (s.failed) return false;
    if (s.kind == codec::identity) return true;
    if (!s.done) {
        error_ = "compressed stream is truncated";
        s.failed = true;
        return false;
    }
    return true;
}

}  // namespace phiguard::policy::decode
