#include "policy/scan/flatten.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>

#include "policy/decode/base64.hpp"
#include "policy/decode/json_leaves.hpp"
#include "policy/decode/percent.hpp"

namespace phiguard::policy::scan {
namespace {

constexpr int max_nesting = 8;

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
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    return !v.empty() && (v.front() == '{' || v.front() == '[') && v.size() >= 2;
}

// What a decoded value holds, learnt while decoding it, so the precise checks below run only
// on values that could pass them. Most form and query values are plain words or numbers.
enum : unsigned char { has_query = 1, has_eq = 2, has_amp = 4, has_pct = 8, not_base64 = 16 };

constexpr decode::byte_classes make_classes() {
    decode::byte_classes t{};
    for (int c = 0; c < 256; ++c) {
        const bool b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '-' || c == '_' ||
                         c == '=';
        t[static_cast<std::size_t>(c)] = b64 ? 0 : not_base64;
    }
    t['?'] |= has_query;
    t['='] |= has_eq;
    t['&'] |= has_amp;
    t['%'] |= has_pct;
    return t;
}
constexpr auto classes = make_classes();

bool needs_expansion(std::string_view v, unsigned char seen) {
    return ((seen & has_query) && url_with_query(v)) || json_like(v) ||
           ((seen & (has_eq | has_amp)) == (has_eq | has_amp) && nested_query(v)) ||
           ((seen & has_pct) && decode::has_percent_escape(v)) ||
           (!(seen & not_base64) && decode::looks_base64(v));
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
    // Geometric growth: nested queries call this again and must not copy the text each time.
    if (const std::size_t need = doc_.text.size() + raw.size() + raw.size() / 8 + 64;
        doc_.text.capacity() < need)
        doc_.text.reserve(std::max(need, doc_.text.capacity() * 2));
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
    std::size_t pos = 0;
    while (pos <= raw.size() && room(parent)) {
        const std::size_t end = find_sep(pos);
        std::string_view piece = raw.substr(pos, end - pos);
        pos = end + 1;
        while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
        if (piece.empty()) continue;
        const auto eq = piece.find('=');
        const std::string_view rk = piece.substr(0, eq);
        const std::string_view rv = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
        // Fast path: decode key and value straight into the text; only values that need more
        // work (a URL, JSON, another layer) are copied out and expanded.
        const int seg = open({}, parent, false);
        auto& s = doc_.segments[static_cast<std::size_t>(seg)];
        doc_.text.resize(s.key_begin);
        // '&' and '=' in a decoded key would blur the document's "&key=value" boundaries.
        if (decode::percent_decode_append(rk, true, doc_.text, &classes) & (has_eq | has_amp))
            for (std::size_t i = s.key_begin; i < doc_.text.size(); ++i)
                if (doc_.text[i] == '&' || doc_.text[i] == '=') doc_.text[i] = '_';
        s.key_len = static_cast<std::uint32_t>(doc_.text.size() - s.key_begin);
        doc_.text.push_back('=');
        const std::size_t vb = doc_.text.size();
        const unsigned char seen = decode::percent_decode_append(rv, true, doc_.text, &classes);
        s.begin = static_cast<std::uint32_t>(vb);
        s.end = static_cast<std::uint32_t>(doc_.text.size());
        const std::string_view v(doc_.text.data() + vb, doc_.text.size() - vb);
        if (!needs_expansion(v, seen)) continue;
        std::string value(v);
        const std::string key(doc_.key_of(s));
        // Drop the provisional item and redo it through the general path.
        doc_.text.resize(s.key_begin - 1);
        doc_.segments.pop_back();
        item(key, std::move(value), parent, layers);
    }
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
