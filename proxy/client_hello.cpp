#include "proxy/client_hello.hpp"

#include <algorithm>

namespace phiguard::proxy {
namespace {

using status = client_hello_result::status;

constexpr std::uint8_t record_handshake = 22;
constexpr std::uint8_t handshake_client_hello = 1;
constexpr std::size_t record_header = 5;
constexpr std::size_t max_record = 16384;
constexpr std::uint32_t ext_server_name = 0;
constexpr std::uint32_t ext_alpn = 16;

/// A bounds-checked cursor: once a read would overrun, ok() is false for
/// good and every later read yields zero or nothing.
class reader {
public:
    explicit reader(std::span<const std::uint8_t> data, bool ok = true) : data_(data), ok_(ok) {}

    bool ok() const { return ok_; }
    /// Everything read, without overrun.
    bool at_end() const { return ok_ && pos_ == data_.size(); }
    bool more() const { return ok_ && pos_ < data_.size(); }

    std::uint32_t number(std::size_t width) {
        std::uint32_t value = 0;
        for (std::uint8_t b : bytes(width)) value = (value << 8) | b;
        return value;
    }

    std::span<const std::uint8_t> bytes(std::size_t n) {
        if (!ok_ || n > data_.size() - pos_) {
            ok_ = false;
            return {};
        }
        auto out = data_.subspan(pos_, n);
        pos_ += n;
        return out;
    }

    std::span<const std::uint8_t> rest() { return bytes(data_.size() - pos_); }

    /// The next field, prefixed by its length in width bytes.
    reader field(std::size_t width) {
        const std::uint32_t n = number(width);
        auto body = bytes(n);
        return reader(body, ok_);
    }

private:
    std::span<const std::uint8_t> data_;
    std::size_t pos_ = 0;
    bool ok_;
};

/// RFC 6066 host_name: ASCII letters, digits and punctuation only.
bool printable(std::span<const std::uint8_t> b) {
    return !b.empty() &&
           std::all_of(b.begin(), b.end(), [](std::uint8_t c) { return c > 0x20 && c < 0x7f; });
}

bool parse_server_name(reader ext, client_hello_result& out) {
    reader list = ext.field(2);
    if (!ext.at_end()) return false;
    while (list.more()) {
        const std::uint32_t type = list.number(1);
        const auto name = list.field(2).rest();
        if (!list.ok()) return false;
        if (type == 0 && !out.sni) {
            if (!printable(name)) return false;
            out.sni.emplace(name.begin(), name.end());
        }
    }
    return list.at_end();
}

bool parse_alpn(reader ext, client_hello_result& out) {
    reader list = ext.field(2);
    if (!ext.at_end()) return false;
    while (list.more()) {
        const auto proto = list.field(1).rest();
        if (!list.ok() || proto.empty()) return false;
        out.alpn.emplace_back(proto.begin(), proto.end());
    }
    return list.at_end();
}

/// The ClientHello body (after the 4-byte handshake header).
status parse_body(std::span<const std::uint8_t> body, client_hello_result& out) {
    reader in(body);
    const std::uint32_t version = in.number(2);
    in.bytes(32);  // random
    const std::uint32_t session = in.number(1);
    in.bytes(session);
    const std::uint32_t suites = in.number(2);
    in.bytes(suites);
    const std::uint32_t compression = in.number(1);
    in.bytes(compression);
    if (!in.ok() || (version >> 8) != 3 || session > 32 || suites < 2 || suites % 2 != 0 ||
        compression < 1)
        return status::not_tls;
    if (in.at_end()) return status::ok;  // no extensions (old clients)
    reader extensions = in.field(2);
    if (!in.at_end()) return status::not_tls;
    while (extensions.more()) {
        const std::uint32_t type = extensions.number(2);
        reader ext = extensions.field(2);
        if (!extensions.ok()) return status::not_tls;
        if (type == ext_server_name && !parse_server_name(ext, out)) return status::not_tls;
        if (type == ext_alpn && !parse_alpn(ext, out)) return status::not_tls;
    }
    return extensions.at_end() ? status::ok : status::not_tls;
}

}  // namespace

client_hello_result parse_client_hello(std::span<const std::uint8_t> bytes) {
    client_hello_result out;
    std::vector<std::uint8_t> message;  // handshake bytes gathered from records
    std::size_t pos = 0;
    for (;;) {
        const std::size_t avail = bytes.size() - pos;
        // Refuse a wrong header as early as its first bytes arrive.
        if (avail >= 1 && bytes[pos] != record_handshake) return {status::not_tls, {}, {}};
        if (avail >= 2 && bytes[pos + 1] != 3) return {status::not_tls, {}, {}};
        if (avail < record_header) return out;
        const std::size_t length = (std::size_t{bytes[pos + 3]} << 8) | bytes[pos + 4];
        if (length == 0 || length > max_record) return {status::not_tls, {}, {}};
        const std::size_t take = std::min(length, avail - record_header);
        const auto start = bytes.begin() + static_cast<std::ptrdiff_t>(pos + record_header);
        message.insert(message.end(), start, start + static_cast<std::ptrdiff_t>(take));

        if (!message.empty() && message[0] != handshake_client_hello)
            return {status::not_tls, {}, {}};
        if (message.size() >= 4) {
            const std::size_t size =
                (std::size_t{message[1]} << 16) | (std::size_t{message[2]} << 8) | message[3];
            if (size > max_client_hello) return {status::not_tls, {}, {}};
            if (message.size() >= 4 + size) {
                out.st = parse_body(std::span(message).subspan(4, size), out);
                if (out.st != status::ok) return {status::not_tls, {}, {}};
                return out;
            }
        }
        if (take < length) return out;  // the rest of this record is still coming
        pos += record_header + length;
    }
}

}  // namespace phiguard::proxy
