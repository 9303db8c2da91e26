#include "policy/decode/inflate.hpp"

#include <brotli/encode.h>
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

using phiguard::policy::decode::inflater;

namespace {

std::string zlib_compress(const std::string& in, int window_bits) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&z, in.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string brotli_compress(const std::string& in) {
    std::size_t size = BrotliEncoderMaxCompressedSize(in.size());
    std::string out(size, '\0');
    REQUIRE(BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
                                  in.size(), reinterpret_cast<const uint8_t*>(in.data()), &size,
                                  reinterpret_cast<uint8_t*>(out.data())) == BROTLI_TRUE);
    out.resize(size);
    return out;
}

std::string run(const std::string& encoding, const std::string& data, std::size_t chunk, bool& ok,
                inflater::limits lim = {}) {
    inflater inf(encoding, lim);
    std::string out;
    ok = true;
    for (std::size_t i = 0; i < data.size() && ok; i += chunk)
        ok = inf.feed(std::string_view(data).substr(i, chunk), out);
    if (ok) ok = inf.finish();
    return out;
}

}  // namespace

TEST_CASE("inflate: gzip, zlib deflate, raw deflate and brotli, in any chunking") {
    std::string text;
    for (int i = 0; i < 500; ++i)
        text += "{\"condition\":\"breast cancer\",\"n\":" + std::to_string(i) + "}";
    for (std::size_t chunk :
         {std::size_t{1}, std::size_t{7}, std::size_t{4096}, std::size_t{1} << 20}) {
        CAPTURE(chunk);
        bool ok = false;
        CHECK(run("gzip", zlib_compress(text, 15 + 16), chunk, ok) == text);
        CHECK(ok);
        CHECK(run("deflate", zlib_compress(text, 15), chunk, ok) == text);
        CHECK(ok);
        CHECK(run("br", brotli_compress(text), chunk, ok) == text);
        CHECK(ok);
    }
    bool ok = false;
    CHECK(run("deflate", zlib_compress(text, -15), 1 << 20, ok) == text);
    CHECK(ok);
    CHECK(run("identity", text, 100, ok) == text);
    CHECK(ok);
}

TEST_CASE("inflate: bombs, truncation, corruption and unknown codings fail with a reason") {
    const std::string zeros(8u << 20, '\0');
    bool ok = true;
    inflater::limits lim;
    lim.max_output = 16u << 20;
    lim.max_ratio = 100;
    run("gzip", zlib_compress(zeros, 15 + 16), 4096, ok, lim);
    CHECK_FALSE(ok);

    const std::string gz = zlib_compress("hello hello hello", 15 + 16);
    run("gzip", gz.substr(0, gz.size() - 6), 4096, ok);
    CHECK_FALSE(ok);
    run("gzip", "not gzip at all", 4096, ok);
    CHECK_FALSE(ok);
    run("br", "\xff\xff\xff\xff garbage", 4096, ok);
    CHECK_FALSE(ok);

    inflater zstd("zstd", {});
    std::string out;
    CHECK_FALSE(zstd.feed("abc", out));
    CHECK(zstd.error() == "unsupported content-encoding");

    lim.max_output = 1000;
    run("identity", std::string(2000, 'a'), 100, ok, lim);
    CHECK_FALSE(ok);
}
