#include "proxy/json_line.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace phiguard::proxy {

namespace {

// Length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no
// overlongs, no surrogates, nothing past U+10FFFF), or 0.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    auto tail = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
        return i + k < text.size() && at(k) >= lo && at(k) <= hi;
    };
    unsigned lead = at(0);
    if (lead >= 0xC2 && lead <= 0xDF) return tail(1) ? 2 : 0;
    if (lead == 0xE0) return tail(1, 0xA0) && tail(2) ? 3 : 0;
    if (lead == 0xED) return tail(1, 0x80, 0x9F) && tail(2) ? 3 : 0;
    if (lead >= 0xE1 && lead <= 0xEF) return tail(1) && tail(2) ? 3 : 0;
    if (lead == 0xF0) return tail(1, 0x90) && tail(2) && tail(3) ? 4 : 0;
    if (lead >= 0xF1 && lead <= 0xF3) return tail(1) && tail(2) && tail(3) ? 4 : 0;
    if (lead == 0xF4) return tail(1, 0x80, 0x8F) && tail(2) && tail(3) ? 4 : 0;
    return 0;
}

// The JSON escape of an ASCII byte that cannot appear raw in a string.
void append_escaped_ascii(std::string& out, char c) {
    switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
            out += buf;
        }
    }
}

}  // namespace

void json_line::escape(std::string& out, std::string_view text) {
    out += '"';
    std::size_t run = 0;  // start of the bytes that go out as they are
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto u = static_cast<unsigned char>(text[i]);
        // Printable ASCII other than quote and backslash is most of every line:
        // it is appended in runs, not a byte at a time.
        if (u >= 0x20 && u < 0x7F && u != '"' && u != '\\') continue;
        out.append(text.data() + run, i - run);
        if (u >= 0x80) {
            // JSON must be UTF-8; a SIEM drops (or mangles) a line with a raw
            // 0xFF from a hostile header, so bad bytes become U+FFFD.
            auto n = utf8_length(text, i);
            if (n == 0) {
                out += "\\ufffd";
            } else {
                out.append(text.substr(i, n));
                i += n - 1;
            }
        } else {
            append_escaped_ascii(out, static_cast<char>(u));
        }
        run = i + 1;
    }
    out.append(text.data() + run, text.size() - run);
    out += '"';
}

void json_line::key(std::string_view k) {
    if (body_.size() > 1) body_ += ',';
    escape(body_, k);
    body_ += ':';
}

json_line& json_line::add(std::string_view k, std::string_view value) {
    key(k);
    escape(body_, value);
    return *this;
}

json_line& json_line::add(std::string_view k, std::int64_t value) {
    key(k);
    body_ += std::to_string(value);
    return *this;
}

json_line& json_line::add(std::string_view k, std::uint64_t value) {
    key(k);
    body_ += std::to_string(value);
    return *this;
}

json_line& json_line::add(std::string_view k, double value) {
    key(k);
    if (!std::isfinite(value)) {
        body_ += "null";  // JSON has no NaN or infinity
        return *this;
    }
    char buf[400];  // three decimals of DBL_MAX: 309 integer digits
    // to_chars rounds exactly like printf's "%.3f", without its format parsing.
    auto end = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 3).ptr;
    body_.append(buf, end);
    return *this;
}

json_line& json_line::add(std::string_view k, bool value) {
    key(k);
    body_ += value ? "true" : "false";
    return *this;
}

json_line& json_line::add_raw(std::string_view k, std::string_view json) {
    key(k);
    body_ += json;
    return *this;
}

std::string utc_timestamp() {
    const auto now = std::chrono::system_clock::now();
    const auto secs = std::chrono::system_clock::to_time_t(now);
    const auto ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000);
    // Every access-log line takes a timestamp: the calendar part is formatted once a second
    // per thread (gmtime_r and snprintf were 1 % of a proxy core under load), the
    // milliseconds each time.
    thread_local std::time_t cached_secs = -1;
    thread_local std::string cached;  // "YYYY-MM-DDTHH:MM:SS."
    if (secs != cached_secs) {
        std::tm tm{};
        gmtime_r(&secs, &tm);
        char buf[96];  // sized for any int fields, which silences -Wformat-truncation
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached = buf;
        cached_secs = secs;
    }
    std::string out = cached;
    out.push_back(static_cast<char>('0' + ms / 100));
    out.push_back(static_cast<char>('0' + ms / 10 % 10));
    out.push_back(static_cast<char>('0' + ms % 10));
    out.push_back('Z');
    return out;
}

}  // namespace phiguard::proxy
