#include "policy/scan/flatten.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include "policy/decode/base64.hpp"
#include "policy/decode/json_leaves.hpp"
#include "policy/decode/percent.hpp"
#include "policy/decode/plain_fields.hpp"

namespace phiguard::policy::scan {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// With the prefix's length known here, the compare is a load or two, not a memcmp call (the
// call was 1 % of a GA4 scan, which asks this of every event's page URL).
template <std::size_t N>
bool starts_with(std::string_view s, const char (&p)[N]) {
    return s.size() >= N - 1 && std::memcmp(s.data(), p, N - 1) == 0;
}

// Where the query of a URL starts ('?'), or npos if v is no URL with a query.
std::size_t url_query_at(std::string_view v) {
    const bool url = starts_with(v, "http://") || starts_with(v, "https://") ||
                     starts_with(v, "//") ||
                     (starts_with(v, "/") && v.find(' ') == std::string_view::npos) ||
                     starts_with(v, "android-app://");
    return url ? v.find('?') : std::string_view::npos;
}

bool url_with_query(std::string_view v) {
    return url_query_at(v) != std::string_view::npos;
}

// The query of a URL whose '?' is at q, without its fragment.
std::string_view query_of(std::string_view url, std::size_t q) {
    const auto frag = url.find('#', q);
    return url.substr(q + 1,
                      frag == std::string_view::npos ? std::string_view::npos : frag - q - 1);
}

bool nested_query(std::string_view v) {
    const auto eq = v.find('=');
    const auto amp = v.find('&');
    return eq != std::string_view::npos && amp != std::string_view::npos && eq < amp && eq > 0 &&
           v.find(' ') == std::string_view::npos && v.find('"') == std::string_view::npos;
}

bool json_like(std::string_view v) {
    // Most values are words and numbers: one byte says so without the loop.
    if (v.empty() || (v.front() != '{' && v.front() != '[' && !is_space(v.front()))) return false;
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
           // (Most values are shorter than a base64 token: no call for them.)
           (!(seen & holds_space) && v.size() >= base64_min_token && looks_base64(v));
}

int nesting(const document& doc, int seg) {
    int n = 0;
    for (; seg >= 0; seg = doc.segments[static_cast<std::size_t>(seg)].parent) ++n;
    return n;
}

}  // namespace

bool flattener::room(int seg, std::size_t size) {
    if (size <= max_bytes_) return true;
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
    doc_.text.resize(pairs_at(raw, seps, parent, layers, doc_.text.size()));
}

// A page URL with a query (GA4's dl=, a Referer) decoded as a field's value: "&key=" and the
// URL's path are already in the text where they belong, so the segment is made around them and
// the query is decoded right after the path. The general way (item, then structured) copied
// key and value out, cut the text, wrote both back and zero-filled the room twice: 115 ns per
// GA4 event. Returns false, touching nothing, where that way would not follow the URL.
bool flattener::query_url_in_place(std::size_t used, std::uint32_t key_len, std::string_view v,
                                   int parent, int layers, std::size_t& end) {
    const auto q = url_query_at(v);
    if (q == std::string_view::npos) return false;
    const int depth = nesting(doc_, parent);
    if (depth >= max_nesting) return false;
    // The query is read from a copy: the nested fields are written over it. One buffer per
    // depth, kept across URLs: a string per URL cost a malloc and a free for each GA4 event's
    // dl=. (A query inside this one is a level deeper, so it never writes this buffer.)
    // The segment the general way would open: "&key=" is at used, the value right after it.
    segment url;
    url.key_begin = static_cast<std::uint32_t>(used + 1);
    url.key_len = key_len;
    url.begin = url.key_begin + key_len + 1;
    url.end = static_cast<std::uint32_t>(url.begin + q);
    url.parent = parent;
    url.path_like = true;
    doc_.segments.push_back(url);
    const int seg = static_cast<int>(doc_.segments.size()) - 1;
    end = url.end;
    const std::string_view in_text = query_of(v, q);
    if (in_text.empty()) return true;
    // Most page URLs carry a few plain parameters (utm_source=...): where one window holds
    // them all, they are checked where they lie and become one run after the '?', now '&'.
    // No copy, no nested pairs_at (a third of what following a GA4 page URL cost).
    if (in_text.size() <= 61 && url.end + 65 <= max_bytes_ &&
        in_text.data() + 64 <= doc_.text.data() + doc_.text.size()) {
        char* const at = doc_.text.data() + url.end + 1;
        char decoded[64];
        const auto p = decode::plain_fields_readable(at, at + in_text.size(), "&", decoded);
        if (p.length == in_text.size()) {
            std::memcpy(at, decoded, p.length);
            doc_.text[url.end] = '&';
            end = url.end + 1 + p.length;
            add_run(url.end, end, seg);
            return true;
        }
    }
    std::string& query = query_copies_[static_cast<std::size_t>(depth)];
    query.assign(in_text);
    end = pairs_at(query, "&", seg, layers, end);
    return true;
}

std::size_t flattener::pairs_at(std::string_view raw, std::string_view seps, int parent, int layers,
                                std::size_t used) {
    // A field takes at least a few bytes: room for them all, so the vector is not regrown ten
    // times while a body is read.
    if (const std::size_t need = doc_.segments.size() + raw.size() / 16 + 4;
        doc_.segments.capacity() < need)
        doc_.segments.reserve(std::max(need, doc_.segments.capacity() * 2));
    const char* at = raw.data();
    const char* const raw_end = raw.data() + raw.size();
    // Not seps.find() per field: that is a call to memchr for a string of one to three bytes.
    const auto is_sep = [seps](char c) {
        for (char sep : seps)
            if (c == sep) return true;
        return false;
    };
    // Fields are written through a pointer into room made ahead ("&key=value" is at most the
    // raw field and two bytes, plus 16 for the decoder's whole-vector stores); used is where
    // the text really ends. A string resize per key and value cost more than decoding them.
    // (Nested queries call this again: the string's capacity grows geometrically, as
    // std::string grows it, so the text is not copied each time; its size, which costs a
    // memset, grows only by what the next fields need.)
    // (Inlined: the plain-stretch path asks before every 64-byte window.)
    auto make_room = [&](std::size_t n) __attribute__((always_inline)) {
        if (doc_.text.size() - used < n) doc_.text.resize(used + n + 256);
    };
    make_room(raw.size() + raw.size() / 8 + 64);
    // Set when plain_fields stopped before a field it found not plain: that field goes the
    // decoder's way without asking again.
    bool next_not_plain = false;
    // Set after a field went the decoder's way: escaped fields come in groups (a GA4 event's
    // dl= and dt=), and a look at the next field's first bytes costs less than a window that
    // stops at once.
    bool after_decoded = false;
    while (at < raw_end) {
        if (used > max_bytes_) break;
        // Spaces before a field ("a=1; b=2") and empty fields ("a=1&&b=2") are passed over.
        if (*at == ' ' || is_sep(*at)) {
            ++at;
            continue;
        }
        // Most fields decode to themselves and need nothing more: up to 64 bytes of them are
        // copied at once and recorded as a plain run, not as a segment each. Only where every
        // field of the stretch begins within the text limit, so that the limit cuts the text
        // where it cut it field by field.
        if (!next_not_plain && !seps.empty() && used + 65 <= max_bytes_ &&
            !(after_decoded && decode::escape_first(at, raw_end, seps))) {
            make_room(1 + 64 + 16);
            const decode::plain_stretch p =
                decode::plain_fields(at, raw_end, seps, doc_.text.data() + used + 1);
            if (p.length > 0) {
                doc_.text[used] = '&';
                add_run(used, used + 1 + p.length, parent);
                used += 1 + p.length;
                // Past the separator that ended them, or at the end.
                at += p.length;
                if (at < raw_end) ++at;
                next_not_plain = p.stopped;
                after_decoded = false;
                continue;
            }
        }
        next_not_plain = false;
        after_decoded = true;
        // The decoder reads as far as the window it is given and writes at most that much
        // plus "&=" and 16 bytes of vector store. The window is the room already made, at
        // least 512 bytes: after a nested expansion the text is cut to size, and making room
        // for the whole rest of the body then would cost a memset of that size (tens of KiB
        // per GA4 event). A field that does not end inside its window is decoded again with
        // room for the rest.
        const auto left = static_cast<std::size_t>(raw_end - at);
        const auto room_for = [&] {
            const std::size_t avail = doc_.text.size() - used;
            return std::min(left, avail > 18 ? avail - 18 : 0);
        };
        std::size_t window = room_for();
        if (window < std::min<std::size_t>(left, 512)) {
            make_room(std::min<std::size_t>(left, 512) + 18);
            window = room_for();
        }
        segment s;
        s.parent = parent;
        s.key_begin = static_cast<std::uint32_t>(used + 1);
        doc_.text[used] = '&';
        decode::form_field f =
            decode::decode_form_field(at, at + window, seps, doc_.text.data() + s.key_begin);
        if (f.raw_end == at + window && window < left) {
            make_room(left + 18);
            f = decode::decode_form_field(at, raw_end, seps, doc_.text.data() + s.key_begin);
        }
        char* const base = doc_.text.data();
        at = f.raw_end == raw_end ? raw_end : f.raw_end + 1;
        // '&' and '=' in a decoded key would blur the document's "&key=value" boundaries.
        if (f.key_traits & (decode::holds_equals | decode::holds_amp))
            std::replace_if(
                base + s.key_begin, f.key_end, [](char c) { return c == '&' || c == '='; }, '_');
        s.key_len = static_cast<std::uint32_t>(f.key_end - (base + s.key_begin));
        s.begin = static_cast<std::uint32_t>(f.key_end + 1 - base);
        s.end = static_cast<std::uint32_t>(f.end - base);
        const unsigned char seen = f.value_traits;
        const std::string_view v(base + s.begin, s.end - s.begin);
        // A URL with a query first: needs_expansion would ask url_with_query, and then
        // query_url_in_place again.
        if (std::size_t end = 0; (seen & decode::holds_question) &&
                                 query_url_in_place(used, s.key_len, v, parent, layers, end)) {
            used = end;
            continue;
        }
        if (!needs_expansion(v, seen)) {
            // Built in the call rather than copied from s, whose 4-byte fields were just
            // written one by one: the copy measured 4 % slower over a GA4 body, 7 % over
            // plain fields.
            doc_.segments.push_back({s.key_begin, s.key_len, s.begin, s.end, parent, false});
            used = s.end;
            continue;
        }
        // Other values that need more work (JSON, another layer) go the general way.
        std::string value(v);
        const std::string key(base + s.key_begin, s.key_len);
        doc_.text.resize(used);
        item(key, std::move(value), parent, layers);
        used = doc_.text.size();
    }
    // Past the limit: reported once, like the general path does.
    room(parent, used);
    return used;
}

void flattener::add_run(std::size_t begin, std::size_t end, int parent) {
    auto& runs = doc_.runs;
    if (!runs.empty() && runs.back().end == begin && runs.back().parent == parent) {
        runs.back().end = static_cast<std::uint32_t>(end);
        return;
    }
    runs.push_back({static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), parent});
}

bool flattener::structured(std::string_view key, std::string_view v, int parent, int layers) {
    if (nesting(doc_, parent) >= max_nesting) return false;
    if (const auto q = url_query_at(v); q != std::string_view::npos) {
        const int seg = open(key, parent, true);
        doc_.text.append(v.substr(0, q));
        doc_.segments[static_cast<std::size_t>(seg)].end =
            static_cast<std::uint32_t>(doc_.text.size());
        pairs(query_of(v, q), "&", seg, layers);
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
