#include "proxy/head_check.hpp"

#include <doctest/doctest.h>

#include <string>

using phiguard::proxy::check_request_head;
using phiguard::proxy::find_head_end;

namespace {

constexpr std::size_t fields_limit = 100;

// The reason for refusing head, or "" when it passes.
std::string refusal(const std::string& head, std::size_t max_fields = fields_limit) {
    auto reason = check_request_head(head, max_fields);
    return reason ? *reason : std::string{};
}

// A head with one extra field line before the blank line.
std::string with(const std::string& line) {
    return "POST http://example.com/submit HTTP/1.1\r\nHost: example.com\r\n" + line + "\r\n\r\n";
}

}  // namespace

TEST_CASE("head_check: curl's proxied GET passes") {
    CHECK(refusal("GET http://example.com/ HTTP/1.1\r\n"
                  "Host: example.com\r\n"
                  "User-Agent: curl/7.88.1\r\n"
                  "Accept: */*\r\n"
                  "Proxy-Connection: Keep-Alive\r\n\r\n") == "");
    CHECK(refusal("CONNECT example.com:443 HTTP/1.1\r\n"
                  "Host: example.com:443\r\n"
                  "User-Agent: curl/7.88.1\r\n"
                  "Proxy-Connection: Keep-Alive\r\n\r\n") == "");
}

TEST_CASE("head_check: a browser's head with many headers passes") {
    std::string head =
        "GET http://portal.example-hospital.org/appointments?id=42 HTTP/1.1\r\n"
        "Host: portal.example-hospital.org\r\n"
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\r\n"
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8\r\n"
        "Accept-Language: en-US,en;q=0.5\r\n"
        "Accept-Encoding: gzip, deflate, br\r\n"
        "Referer: http://portal.example-hospital.org/\r\n"
        "Cookie: session=abc123; theme=dark; _ga=GA1.2.1234.5678\r\n"
        "Upgrade-Insecure-Requests: 1\r\n"
        "Sec-Fetch-Dest: document\r\n"
        "Sec-Fetch-Mode: navigate\r\n"
        "Sec-Fetch-Site: same-origin\r\n"
        "Sec-Fetch-User: ?1\r\n"
        "DNT: 1\r\n"
        "If-None-Match: W/\"5e-1a2b\"\r\n"
        "sec-ch-ua: \"Chromium\";v=\"118\", \"Google Chrome\";v=\"118\"\r\n"
        "X-Empty:\r\n"
        "X-Tabbed:\tvalue\twith tab\r\n"
        "X-Utf8: caf\xc3\xa9\r\n"
        "Connection: keep-alive\r\n\r\n";
    CHECK(refusal(head) == "");
}

TEST_CASE("head_check: HTTP/1.0 and ordinary body framings pass") {
    CHECK(refusal("GET http://example.com/ HTTP/1.0\r\n\r\n") == "");
    CHECK(refusal(with("Content-Length: 12")) == "");
    CHECK(refusal(with("Content-Length: 0")) == "");
    CHECK(refusal(with("Content-Length: 12\r\nContent-Length: 12")) == "");
    CHECK(refusal(with("Content-Length: 12, 12")) == "");
    CHECK(refusal(with("Transfer-Encoding: chunked")) == "");
    CHECK(refusal(with("Transfer-Encoding: gzip, chunked")) == "");
    CHECK(refusal(with("transfer-encoding: gzip\r\nTRANSFER-ENCODING: Chunked")) == "");
}

TEST_CASE("head_check: Content-Length with Transfer-Encoding is refused") {
    CHECK(refusal(with("Content-Length: 5\r\nTransfer-Encoding: chunked")) ==
          "both Content-Length and Transfer-Encoding");
    CHECK(refusal(with("transfer-encoding: chunked\r\ncontent-length: 5")) ==
          "both Content-Length and Transfer-Encoding");
}

TEST_CASE("head_check: differing or malformed Content-Length is refused") {
    CHECK(refusal(with("Content-Length: 5\r\nContent-Length: 6")) ==
          "conflicting Content-Length values");
    CHECK(refusal(with("Content-Length: 5, 6")) == "conflicting Content-Length values");
    CHECK(refusal(with("Content-Length: -1")) == "invalid Content-Length");
    CHECK(refusal(with("Content-Length: +5")) == "invalid Content-Length");
    CHECK(refusal(with("Content-Length: 0x10")) == "invalid Content-Length");
    CHECK(refusal(with("Content-Length: 5 5")) == "invalid Content-Length");
    CHECK(refusal(with("Content-Length:")) == "invalid Content-Length");
    CHECK(refusal(with("Content-Length: 5,")) == "invalid Content-Length");
    CHECK(refusal(with("Content-Length: 1234567890123456789")) == "invalid Content-Length");
}

TEST_CASE("head_check: Transfer-Encoding must end in exactly one chunked") {
    CHECK(refusal(with("Transfer-Encoding: gzip")) == "Transfer-Encoding does not end in chunked");
    CHECK(refusal(with("Transfer-Encoding: chunked, gzip")) ==
          "Transfer-Encoding does not end in chunked");
    CHECK(refusal(with("Transfer-Encoding: xchunked")) ==
          "Transfer-Encoding does not end in chunked");
    CHECK(refusal(with("Transfer-Encoding: chunked,")) ==
          "Transfer-Encoding does not end in chunked");
    CHECK(refusal(with("Transfer-Encoding:")) == "Transfer-Encoding does not end in chunked");
    CHECK(refusal(with("Transfer-Encoding: chunked, chunked")) == "chunked applied more than once");
    CHECK(refusal(with("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked")) ==
          "chunked applied more than once");
}

TEST_CASE("head_check: obsolete line folding is refused") {
    CHECK(refusal(with("X-Long: first\r\n second")) == "obsolete line folding in header field");
    CHECK(refusal(with("Transfer-Encoding: gzip\r\n\tchunked")) ==
          "obsolete line folding in header field");
}

TEST_CASE("head_check: bare CR, bare LF and NUL are refused") {
    CHECK(refusal(with("X-A: one\rX-B: two")) == "bare CR in request head");
    CHECK(refusal(with("X-A: one\nTransfer-Encoding: chunked")) == "bare LF in request head");
    CHECK(refusal("GET http://example.com/ HTTP/1.1\nHost: example.com\r\n\r\n") ==
          "bare LF in request head");
    CHECK(refusal(with(std::string("X-A: a\0b", 8))) == "NUL byte in request head");
}

TEST_CASE("head_check: line ends are judged alike at every offset of the 16-byte scan") {
    // The scan looks at sixteen bytes at a time: a CRLF split across two
    // blocks, a bare CR or LF and a control byte in the first, last or only
    // partial block must each be found wherever they fall.
    for (std::size_t pad = 0; pad < 40; ++pad) {
        CAPTURE(pad);
        std::string const value(pad, 'v');
        CHECK(refusal(with("X-Pad: " + value + "\r\nX-B: two")) == "");
        CHECK(refusal(with("X-Pad: " + value + "\rX-B: two")) == "bare CR in request head");
        CHECK(refusal(with("X-Pad: " + value + "\nX-B: two")) == "bare LF in request head");
        CHECK(refusal(with("X-Pad: " + value + "\x01")) ==
              "control character in header field value");
        CHECK(refusal(with("X-Pad: " + value + "\t" + value)) == "");
        // A CR as the very last byte, and an LF as the very first.
        auto head = with("X-Pad: " + value);
        CHECK(refusal(head.substr(0, head.size() - 1)) == "bare CR in request head");
        CHECK(refusal("\n" + head) == "bare LF in request head");
    }
}

TEST_CASE("head_check: the field count limit is exact") {
    std::string head = "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n";
    for (int i = 0; i < 4; ++i) head += "X-F" + std::to_string(i) + ": v\r\n";
    head += "\r\n";
    CHECK(refusal(head, 5) == "");
    CHECK(refusal(head, 4) == "too many header fields");
    CHECK(refusal(head, 0) == "too many header fields");
}

TEST_CASE("head_check: malformed field names and lines are refused") {
    CHECK(refusal(with("Transfer-Encoding : chunked")) == "malformed header field name");
    CHECK(refusal(with("X Space: v")) == "malformed header field name");
    CHECK(refusal(with("X-\x80: v")) == "malformed header field name");
    CHECK(refusal(with("X(paren): v")) == "malformed header field name");
    CHECK(refusal(with("no colon here")) == "malformed header field");
    CHECK(refusal(with(": empty name")) == "malformed header field");
}

TEST_CASE("head_check: control characters in field values are refused") {
    CHECK(refusal(with("X-A: a\x01"
                       "b")) == "control character in header field value");
    CHECK(refusal(with("X-A: a\x1b[31m")) == "control character in header field value");
    CHECK(refusal(with("X-A: a\x7f")) == "control character in header field value");
    CHECK(refusal(with("X-A: \x0b")) == "control character in header field value");
}

TEST_CASE("head_check: the request line is checked") {
    CHECK(refusal("GET\r\n\r\n") == "malformed request line");
    CHECK(refusal("GET http://example.com/\r\n\r\n") == "malformed request line");
    CHECK(refusal("G(T http://example.com/ HTTP/1.1\r\n\r\n") == "malformed method");
    CHECK(refusal(" http://example.com/ HTTP/1.1\r\n\r\n") == "malformed method");
    CHECK(refusal("GET http://example.com/a b HTTP/1.1\r\n\r\n") == "malformed request target");
    CHECK(refusal("GET http://example.com/\x7f HTTP/1.1\r\n\r\n") == "malformed request target");
    CHECK(refusal("GET http://example.com/a\tb HTTP/1.1\r\n\r\n") == "malformed request target");
    CHECK(refusal("GET  HTTP/1.1\r\n\r\n") == "malformed request target");
    CHECK(refusal("GET http://example.com/ HTTP/2.0\r\n\r\n") == "unsupported HTTP version");
    CHECK(refusal("GET http://example.com/ http/1.1\r\n\r\n") == "unsupported HTTP version");
    CHECK(refusal("\r\nGET http://example.com/ HTTP/1.1\r\n\r\n") == "malformed request line");
}

TEST_CASE("head_check: two Host lines are refused") {
    CHECK(refusal(with("Host: evil.example")) == "more than one Host header field");
    CHECK(refusal(with("host: example.com")) == "more than one Host header field");
}

TEST_CASE("head_check: HTTP/1.1 needs exactly one Host; HTTP/1.0 may go without") {
    CHECK(refusal("GET http://example.com/ HTTP/1.1\r\nAccept: */*\r\n\r\n") ==
          "HTTP/1.1 request without a Host header field");
    CHECK(refusal("CONNECT example.com:443 HTTP/1.1\r\n\r\n") ==
          "HTTP/1.1 request without a Host header field");
    CHECK(refusal("CONNECT example.com:443 HTTP/1.0\r\n\r\n") == "");
    CHECK(refusal("GET http://example.com/ HTTP/1.0\r\nAccept: */*\r\n\r\n") == "");
}

TEST_CASE("head_check: Transfer-Encoding in an HTTP/1.0 request is refused") {
    CHECK(refusal("POST http://example.com/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") ==
          "Transfer-Encoding in an HTTP/1.0 request");
    CHECK(refusal("POST http://example.com/ HTTP/1.0\r\nHost: example.com\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n") ==
          "Transfer-Encoding in an HTTP/1.0 request");
    CHECK(refusal("POST http://example.com/ HTTP/1.0\r\nContent-Length: 3\r\n\r\n") == "");
}

TEST_CASE("head_check: a head without its blank line is refused, not overrun") {
    CHECK(refusal("GET http://example.com/ HTTP/1.1") == "incomplete request head");
    CHECK(refusal("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n") ==
          "incomplete request head");
    CHECK(refusal("GET http://example.com/ HTTP/1.1\r\nX-A: b") == "incomplete request head");
    CHECK(refusal("") == "incomplete request head");
}

TEST_CASE("head_check: find_head_end finds the end of the blank line") {
    std::string data = "GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY";
    CHECK(find_head_end(data) == data.size() - 4);
    CHECK(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n") == std::string::npos);
    CHECK(find_head_end("") == std::string::npos);
    std::string two = "A\r\n\r\nB\r\n\r\n";
    CHECK(find_head_end(two) == 5);
    CHECK(find_head_end(two, 5) == two.size());
    CHECK(find_head_end(two, 1) == 5);
    CHECK(find_head_end(two, 3) == two.size());
}
