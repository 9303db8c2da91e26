#include "policy/scan/flatten.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "policy/decode/base64.hpp"
#include "policy/decode/json_leaves.hpp"
#include "policy/decode/percent.hpp"

namespace phiguard::policy::scan {
namespace {

constexpr int max_nesting = 8;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

bool url_with_query(std::string_view v) {
    if (v.find('?') == std::string_view::npos) return false;
    return starts_with(v, "http://") || starts_with(v, "https://") || starts_with(v, "//") ||
           (starts_with(v, "/") && v.find(' ') == std::string_view::npos) ||
           starts_with(v, "android-app://");
}

bool nested_query(std::string_view v) {
    const auto eq = v.find('=');
    const auto amp = v.find('&');
    return eq != std::string_view::npos && amp != std::string_view::npos && eq < amp && eq > 0 &&
           v.find(' ') == std::string_view::npos && v.find('"') == std::string_view::npos;
}

bool json_like(std::string_view v) {
    while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
    return !v.empty() && (v.front() == '{' || v.front() == '[') && v.size() >= 2;
}

// seen: the value_traits noted while decoding, so the precise checks below run only on values
// that could pass them. Most form and query values are plain words or numbers.
bool needs_expansion(std::string_view v, unsigned char seen) {
    using namespace decode;
    return ((seen & holds_question) && url_with_query(v)) || json_like(v) ||
           ((seen & (holds_equals | holds_amp)) == (holds_equals | holds_amp) && nested_query(v)) ||
           ((seen & holds_percent) && has_percent_escape(v)) ||
           (!(seen & holds_space) && looks_base64(v));
}

int nesting(const document& doc, int seg) {
    int n = 0;
    for (; seg >= 0; seg = doc.segments[static_cast<std::size_t>(seg)].parent) ++n;
    return n;
}

}  // namespace

bool flattener::room(int seg) {
    if (doc_.text.size() <= max_bytes_) return true;
    if (!truncated_) problems_.push_back({seg, "decoded text exceeds the inspection limit"});
    truncated_ = true;
    return false;
}

int flattener::open(std::string_view key, int parent, bool path_like) {
    segment s;
    doc_.text.push_back('&');
    s.key_begin = static_cast<std::uint32_t>(doc_.text.size());
    for (char c : key) doc_.text.push_back(c == '&' || c == '=' ? '_' : c);
    s.key_len = static_cast<std::uint32_t>(key.size());
    doc_.text.push_back('=');
    s.begin = s.end = static_cast<std::uint32_t>(doc_.text.size());
    s.parent = parent;
    s.path_like = path_like;
    doc_.segments.push_back(s);
    return static_cast<int>(doc_.segments.size()) - 1;
}

void flattener::pairs(std::string_view raw, std::string_view seps, int parent, int layers) {
    if (raw.empty()) return;
    // A field takes at least a few bytes: room for them all, so the vector is not regrown ten
    // times while a body is read.
    if (const std::size_t need = doc_.segments.size() + raw.size() / 16 + 4;
        doc_.segments.capacity() < need)
        doc_.segments.reserve(std::max(need, doc_.segments.capacity() * 2));
    // The next position of each separator, found with memchr and reused until passed.
    std::array<std::size_t, 4> next{};
    const std::size_t nseps = std::min<std::size_t>(seps.size(), next.size());
    for (std::size_t k = 0; k < nseps; ++k) {
        const void* q = std::memchr(raw.data(), seps[k], raw.size());
        next[k] =
            q ? static_cast<std::size_t>(static_cast<const char*>(q) - raw.data()) : raw.size();
    }
    auto find_sep = [&](std::size_t from) {
        std::size_t best = raw.size();
        for (std::size_t k = 0; k < nseps; ++k) {
            if (next[k] < from) {
                const void* q = from < raw.size()
                                    ? std::memchr(raw.data() + from, seps[k], raw.size() - from)
                                    : nullptr;
                next[k] = q ? static_cast<std::size_t>(static_cast<const char*>(q) - raw.data())
                            : raw.size();
            }
            best = std::min(best, next[k]);
        }
        return best;
    };
    // Keys and values lie inside raw, so the decoder may read ahead to its end.
    const char* const raw_end = raw.data() + raw.size();
    // Fields are written through a pointer into room made ahead ("&key=value" is at most the
    // piece and two bytes, plus 16 for the decoder's whole-vector stores); used is where the
    // text really ends. A string resize per key and value cost more than decoding them.
    std::size_t used = doc_.text.size();
    // (Nested queries call this again: the string's capacity grows geometrically, as
    // std::string grows it, so the text is not copied each time; its size, which costs a
    // memset, grows only by what the next fields need.)
    auto make_room = [&](std::size_t n) {
        if (doc_.text.size() - used < n) doc_.text.resize(used + n + 256);
    };
    make_room(raw.size() + raw.size() / 8 + 64);
    std::size_t pos = 0;
    while (pos <= raw.size()) {
        if (used > max_bytes_) break;
        const std::size_t end = find_sep(pos);
        std::string_view piece = raw.substr(pos, end - pos);
        pos = end + 1;
        while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
        if (piece.empty()) continue;
        const auto eq = piece.find('=');
        const std::string_view rk = piece.substr(0, eq);
        const std::string_view rv = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
        make_room(piece.size() + 2 + 16);
        char* const base = doc_.text.data();
        segment s;
        s.parent = parent;
        base[used] = '&';
        s.key_begin = static_cast<std::uint32_t>(used + 1);
        unsigned char key_traits = 0;
        char* d = decode::percent_decode_into(rk, true, base + s.key_begin, key_traits, raw_end);
        // '&' and '=' in a decoded key would blur the document's "&key=value" boundaries.
        if (key_traits & (decode::holds_equals | decode::holds_amp))
            std::replace_if(
                base + s.key_begin, d, [](char c) { return c == '&' || c == '='; }, '_');
        s.key_len = static_cast<std::uint32_t>(d - (base + s.key_begin));
        *d++ = '=';
        s.begin = static_cast<std::uint32_t>(d - base);
        unsigned char seen = 0;
        d = decode::percent_decode_into(rv, true, d, seen, raw_end);
        s.end = static_cast<std::uint32_t>(d - base);
        const std::string_view v(base + s.begin, s.end - s.begin);
        if (!needs_expansion(v, seen)) {
            doc_.segments.push_back(s);
            used = s.end;
            continue;
        }
        // Values that need more work (a URL, JSON, another layer) go the general way.
        std::string value(v);
        const std::string key(base + s.key_begin, s.key_len);
        doc_.text.resize(used);
        item(key, std::move(value), parent, layers);
        used = doc_.text.size();
    }
    doc_.text.resize(used);
    // Past the limit: reported once, like the general path does.
    room(parent);
}

bool flattener::structured(std::string_view key, std::string_view v, int parent, int layers) {
    if (nesting(doc_, parent) >= max_nesting) return false;
    if (url_with_query(v)) {
        auto q = v.find('?');
        auto frag = v.find('#', q);
        const int seg = open(key, parent, true);
        doc_.text.append(v.substr(0, q));
        doc_.segments[static_cast<std::size_t>(seg)].end =
            static_cast<std::uint32_t>(doc_.text.size());
        pairs(
            v.substr(q + 1, frag == std::string_view::npos ? std::string_view::npos : frag - q - 1),
            "&", seg, layers);
        return true;
    }
    if (json_like(v)) {
        std::vector<decode::json_leaf> leaves;
        if (!decode::json_leaves(v, leaves)) return false;
        const int seg = open(key, parent, false);
        for (auto& l : leaves) item(l.key, std::move(l.value), seg, layers);
        return true;
    }
    if (nested_query(v)) {
        const int seg = open(key, parent, false);
        pairs(v, "&", seg, layers);
        return true;
    }
    return false;
}

void flattener::item(std::string_view key, std::string value, int parent, int layers,
                     bool path_like) {
    if (!room(parent)) return;
    while (true) {
        if (!path_like && structured(key, value, parent, layers)) return;
        const bool escaped = decode::has_percent_escape(value);
        std::optional<std::string> b64;
        if (!escaped && decode::looks_base64(value)) {
            b64 = decode::base64_decode(value);
            if (b64 && !decode::mostly_printable(*b64)) b64.reset();
        }
        if (!escaped && !b64) break;
        if (layers >= max_layers_) {
            const int seg = open(key, parent, path_like);
            doc_.text.append(value);
            doc_.segments[static_cast<std::size_t>(seg)].end =
                static_cast<std::uint32_t>(doc_.text.size());
            problems_.push_back({seg, "more encoding layers than the decode depth limit"});
            return;
        }
        ++layers;
        value = b64 ? std::move(*b64) : decode::percent_decode(value, false);
    }
    const int seg = open(key, parent, path_like);
    doc_.text.append(value);
    doc_.segments[static_cast<std::size_t>(seg)].end = static_cast<std::uint32_t>(doc_.text.size());
}

target_parts split_target(std::string_view url) {
    std::string_view rest = url;
    if (const auto scheme = rest.find("://");
        scheme != std::string_view::npos && rest.find_first_of("/?") > scheme) {
        rest.remove_prefix(scheme + 3);
        const auto slash = rest.find_first_of("/?#");
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    }
    if (const auto frag = rest.find('#'); frag != std::string_view::npos)
        rest = rest.substr(0, frag);
    target_parts t;
    const auto q = rest.find('?');
    t.path = rest.substr(0, q);
    if (q != std::string_view::npos) {
        t.query = rest.substr(q + 1);
        t.has_query = true;
    }
    // Matrix parameters (DoubleClick's ;u1=...;ord=1) ride in the path.
    if (const auto semi = t.path.find(';'); semi != std::string_view::npos) {
        t.params = t.path.substr(semi + 1);
        t.path = t.path.substr(0, semi);
    }
    return t;
}

}  // namespace phiguard::policy::scan
