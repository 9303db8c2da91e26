// What the alert and access logs keep of a request's path and User-Agent: the path is replaced
// by a note of its length as soon as a finding sits in the request line, the User-Agent as soon
// as one sits in that header (whatever the case of its name), and a clean User-Agent is cut to
// 512 bytes on a UTF-8 character boundary with its full length noted.
#include "proxy/log_redaction.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <vector>

using phiguard::policy::finding;
using phiguard::policy::location_kind;
using phiguard::proxy::logged_path;
using phiguard::proxy::logged_user_agent;

namespace {

finding at(location_kind where, std::string location, std::string kind = "ssn") {
    finding f;
    f.detector = kind;
    f.kind = std::move(kind);
    f.where = where;
    f.location = std::move(location);
    f.length = 11;
    f.confidence = 0.9;
    f.hint = "***********, 11 chars";
    return f;
}

// "…" as UTF-8 bytes, spelled out so the check does not depend on the source encoding.
const std::string ellipsis = "\xE2\x80\xA6";

// True when `s` is well-formed UTF-8 (no stray continuation byte, no truncated sequence, no
// overlong form or surrogate).
bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        unsigned min = 0;
        unsigned cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            auto const d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

}  // namespace

TEST_CASE("log redaction: the UTF-8 checker used below tells good from bad") {
    CHECK(valid_utf8("plain ascii"));
    CHECK(valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    CHECK_FALSE(valid_utf8("caf\xC3"));        // truncated 2-byte
    CHECK_FALSE(valid_utf8("\xE2\x82"));       // truncated 3-byte
    CHECK_FALSE(valid_utf8("\xA9 stray"));     // lone continuation
    CHECK_FALSE(valid_utf8("\xC0\xAF"));       // overlong '/'
    CHECK_FALSE(valid_utf8("x\xF0\x9F\x98"));  // truncated 4-byte
}

TEST_CASE("log redaction: logged_path keeps the path unless a finding sits in the request line") {
    std::string const path = "/patients/536-22-1234/tr/";  // 25 bytes
    std::string const redacted = "[redacted: the path held PHI, 25 bytes]";
    struct row {
        const char* name;
        std::string path;
        std::vector<finding> findings;
        std::string expected;
    };
    std::vector<row> const rows{
        {"no findings", path, {}, path},
        {"a query finding only",
         "/tr/",
         {at(location_kind::query, "query:dl>condition", "condition")},
         "/tr/"},
        {"a header finding only", path, {at(location_kind::header, "header:User-Agent")}, path},
        {"a body finding only", path, {at(location_kind::body, "body:$.user_data.em[0]")}, path},
        {"a request_line finding",
         path,
         {at(location_kind::request_line, "request_line:path")},
         redacted},
        {"a request_line finding among others",
         path,
         {at(location_kind::query, "query:id"), at(location_kind::header, "header:Referer"),
          at(location_kind::request_line, "request_line:path")},
         redacted},
        {"a request_line finding in a matrix parameter",
         "/a;mrn=MRN00913377/b",
         {at(location_kind::request_line, "request_line:mrn", "mrn")},
         "[redacted: the path held PHI, 20 bytes]"},
        {"a request_line finding and an empty path",
         "",
         {at(location_kind::request_line, "request_line:path")},
         "[redacted: the path held PHI, 0 bytes]"},
    };
    for (auto const& r : rows) {
        CAPTURE(r.name);
        auto const got = logged_path(r.path, r.findings);
        CHECK(got == r.expected);
        if (r.expected != r.path) {
            CHECK(got.find("536-22-1234") == std::string::npos);
            CHECK(got.find("MRN00913377") == std::string::npos);
        }
    }
}

TEST_CASE("log redaction: logged_user_agent redacts on a User-Agent finding, any case") {
    std::string const ua = "MyApp/1.0 ssn=536-22-1234 email=jane.roe@example.org";  // 52 bytes
    REQUIRE(ua.size() == 52);
    std::string const redacted = "[redacted: the User-Agent held PHI, 52 bytes]";
    struct row {
        const char* name;
        std::vector<finding> findings;
        std::string expected;
    };
    std::vector<row> const rows{
        {"no findings", {}, ua},
        {"header:User-Agent", {at(location_kind::header, "header:User-Agent")}, redacted},
        {"header:user-agent (lower case)",
         {at(location_kind::header, "header:user-agent")},
         redacted},
        {"HEADER:USER-AGENT (upper case)",
         {at(location_kind::header, "HEADER:USER-AGENT")},
         redacted},
        {"a nested location in the header",
         {at(location_kind::header, "header:User-Agent>email", "email")},
         redacted},
        {"another header", {at(location_kind::header, "header:Referer")}, ua},
        {"a header named like the start of it", {at(location_kind::header, "header:User")}, ua},
        {"a query finding", {at(location_kind::query, "query:ua")}, ua},
        {"a request_line finding", {at(location_kind::request_line, "request_line:path")}, ua},
        {"a body finding", {at(location_kind::body, "body:$.user_agent")}, ua},
        {"a User-Agent finding among others",
         {at(location_kind::query, "query:id"), at(location_kind::header, "header:User-Agent")},
         redacted},
    };
    for (auto const& r : rows) {
        CAPTURE(r.name);
        CHECK(logged_user_agent(ua, r.findings) == r.expected);
    }
    // A redacted long User-Agent is redacted whole, not cut: its full length is noted.
    std::string const long_ua = ua + std::string(600, 'x');
    CHECK(logged_user_agent(long_ua, {at(location_kind::header, "header:User-Agent")}) ==
          "[redacted: the User-Agent held PHI, 652 bytes]");
}

TEST_CASE("log redaction: a clean User-Agent longer than 512 bytes is cut with its length noted") {
    std::string const a512(512, 'a');
    CHECK(logged_user_agent(a512, {}) == a512);  // at the limit: kept whole, no marker
    CHECK(logged_user_agent(std::string(513, 'b'), {}) ==
          std::string(512, 'b') + ellipsis + "[513 bytes]");
    std::string ascii;
    for (int i = 0; i < 600; ++i) ascii += static_cast<char>('A' + i % 26);
    auto const cut = logged_user_agent(ascii, {at(location_kind::header, "header:Referer")});
    CHECK(cut == ascii.substr(0, 512) + ellipsis + "[600 bytes]");
    CHECK(valid_utf8(cut));
}

TEST_CASE("log redaction: the cut never splits a UTF-8 character") {
    // `before` ASCII bytes, then `ch`, then ASCII up to 600 bytes: the character sits across
    // (or right before) byte 512, where the cut would fall.
    struct row {
        const char* name;
        std::size_t before;
        std::string ch;
        std::size_t kept;  // bytes of the UA the cut keeps
    };
    std::vector<row> const rows{
        {"2-byte, byte 512 its 2nd", 511, "\xC3\xA9", 511},
        {"3-byte, byte 512 its 2nd", 511, "\xE2\x82\xAC", 511},
        {"3-byte, byte 512 its 3rd", 510, "\xE2\x82\xAC", 510},
        {"4-byte, byte 512 its 2nd", 511, "\xF0\x9F\x98\x80", 511},
        {"4-byte, byte 512 its 4th", 509, "\xF0\x9F\x98\x80", 509},
        {"2-byte ending at byte 511", 510, "\xC3\xA9", 512},
        {"4-byte starting at byte 512", 512, "\xF0\x9F\x98\x80", 512},
    };
    for (auto const& r : rows) {
        CAPTURE(r.name);
        std::string ua = std::string(r.before, 'u') + r.ch;
        ua += std::string(600 - ua.size(), 'v');
        REQUIRE(ua.size() == 600);
        REQUIRE(valid_utf8(ua));
        auto const got = logged_user_agent(ua, {});
        CHECK(got == ua.substr(0, r.kept) + ellipsis + "[600 bytes]");
        CHECK(valid_utf8(got));
    }
    // Many multi-byte characters in a row (a UA in another script) still cut cleanly.
    std::string cyrillic;
    while (cyrillic.size() < 700) cyrillic += "\xD0\x96";  // "Ж", 2 bytes
    cyrillic += "z";  // byte 512 is a lead byte: the cut keeps 512 bytes
    auto const got = logged_user_agent(cyrillic, {});
    CHECK(valid_utf8(got));
    CHECK(got == cyrillic.substr(0, 512) + ellipsis + "[701 bytes]");
}
