#include "policy/destinations/adblock_rule.hpp"

#include <hs/hs.h>

#include <array>
#include <vector>

namespace phiguard::policy {

namespace {

constexpr std::string_view host_chars = "abcdefghijklmnopqrstuvwxyz0123456789.-_";

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

adblock_rule skip(std::string reason) {
    adblock_rule r;
    r.k = adblock_rule::kind::skipped;
    r.reason = std::move(reason);
    return r;
}

bool is_cosmetic(std::string_view line) {
    for (std::string_view sep : {"##", "#@#", "#?#", "#$#", "#%#", "#@$#", "#@?#", "#@%#"}) {
        if (line.find(sep) != std::string_view::npos) return true;
    }
    return false;
}

// Option names that restrict the resource type. The proxy cannot see the type,
// so the rule is kept for every type.
constexpr std::array<std::string_view, 22> type_options{
    "script", "image",       "stylesheet", "css",    "object", "xmlhttprequest",
    "xhr",    "subdocument", "frame",      "ping",   "beacon", "media",
    "font",   "websocket",   "other",      "webrtc", "fetch",  "object-subrequest",
    "all",    "document",    "doc",        "xml"};

// Options that tune a rule without changing which requests it matches.
constexpr std::array<std::string_view, 4> neutral_options{"important", "match-case", "redirect",
                                                          "_"};

// Exception options that switch off cosmetic filtering or a whole page; they
// never un-list a tracker request.
constexpr std::array<std::string_view, 11> page_exception_options{
    "elemhide", "ehide",        "generichide", "ghide",    "specifichide", "shide",
    "content",  "genericblock", "jsinject",    "urlblock", "popup"};

template <std::size_t N>
bool one_of(std::string_view name, const std::array<std::string_view, N>& set) {
    for (auto s : set) {
        if (s == name) return true;
    }
    return false;
}

// Options start at the last `$` followed by something shaped like an option
// name (a letter, `~`, `_`, or the `1p`/`3p` aliases); option values may hold
// anything (`csp=… 'none'`, `domain=~[::1]`). A `$` before other text, as in
// `/ads$&x=`, is part of the URL pattern.
std::size_t options_start(std::string_view rule) {
    const auto dollar = rule.rfind('$');
    if (dollar == std::string_view::npos || dollar + 1 >= rule.size())
        return std::string_view::npos;
    const std::string_view rest = rule.substr(dollar + 1);
    const char c = rest.front();
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '~' || c == '_';
    if (letter || rest.starts_with("1p") || rest.starts_with("3p")) return dollar;
    return std::string_view::npos;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto end = s.find(sep, start);
        out.push_back(s.substr(start, end == std::string_view::npos ? s.npos : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return out;
}

void append_escaped(std::string& out, char c) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        out += c;
        return;
    }
    constexpr std::string_view hex = "0123456789abcdef";
    out += "\\x";
    out += hex[u >> 4];
    out += hex[u & 15];
}

// Adblock's `^` separator: anything but a letter, digit or `_-.%`, or the end.
constexpr std::string_view separator_class = "[^0-9a-z_.%\\x2d]";

}  // namespace

unsigned adblock_expression_flags() {
    return HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH | HS_FLAG_DOTALL;
}

adblock_rule parse_adblock_line(std::string_view raw) {
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '!' || line.front() == '[') return {};
    if (is_cosmetic(line)) return skip("cosmetic");

    adblock_rule rule;
    if (line.starts_with("@@")) {
        rule.exception = true;
        line.remove_prefix(2);
    }

    std::string_view pattern = line;
    const auto opt_at = options_start(line);
    std::vector<std::string_view> options;
    if (opt_at != std::string_view::npos) {
        pattern = line.substr(0, opt_at);
        options = split(line.substr(opt_at + 1), ',');
    }

    bool typed = false;
    for (std::size_t i = 0; i < options.size(); ++i) {
        const std::string_view opt = options[i];
        const bool negated = opt.starts_with('~');
        const std::string name =
            lower(opt.substr(negated ? 1 : 0, opt.find('=') - (negated ? 1 : 0)));
        if (name == "badfilter") {
            // The disabled rule is this text without the badfilter option.
            std::string rebuilt(trim(raw).substr(0, opt_at + (rule.exception ? 2 : 0)));
            bool first = true;
            for (std::size_t j = 0; j < options.size(); ++j) {
                if (j == i) continue;
                rebuilt += first ? '$' : ',';
                rebuilt += options[j];
                first = false;
            }
            adblock_rule bf;
            bf.k = adblock_rule::kind::badfilter;
            bf.disables = std::move(rebuilt);
            return bf;
        }
        if (name == "third-party" || name == "3p") {
            // Destinations of interest are third parties of the page by construction.
            if (negated) return skip("first-party only (~third-party)");
            continue;
        }
        if (name == "first-party" || name == "1p") {
            if (negated) continue;
            return skip("first-party only (~third-party)");
        }
        if (name == "domain" || name == "from") {
            const auto eq = opt.find('=');
            bool any_positive = false;
            for (auto d : split(opt.substr(eq + 1), '|')) any_positive |= !d.starts_with('~');
            if (any_positive) return skip("domain= option (initiating page unknown)");
            continue;
        }
        if (one_of(name, type_options)) {
            if (rule.exception && !negated && (name == "document" || name == "doc")) {
                return skip("page-level exception");
            }
            typed = true;
            continue;
        }
        if (rule.exception && one_of(name, page_exception_options)) {
            return skip("page-level exception");
        }
        if (name == "popup") return skip("popup option");
        if (one_of(name, neutral_options)) continue;
        return skip("unsupported option: " + name);
    }
    // Exceptions narrowed by type are usually site fixes; applying them to every
    // type would un-list trackers, so only type-free exceptions are honoured.
    if (rule.exception && typed) return skip("exception narrowed by type");

    if (pattern.size() > 2 && pattern.front() == '/' && pattern.back() == '/') {
        return skip("regex rule");
    }

    const std::string p = lower(pattern);

    // `||domain^`: the hash-set fast path.
    if (p.starts_with("||")) {
        std::string_view body = std::string_view(p).substr(2);
        if (body.ends_with("^|")) body.remove_suffix(1);
        if (body.ends_with('^')) {
            const std::string_view name = body.substr(0, body.size() - 1);
            if (!name.empty() && name.find_first_not_of(host_chars) == std::string_view::npos &&
                name.front() != '.' && name.back() != '.') {
                rule.k = adblock_rule::kind::host;
                rule.host = std::string(name);
                return rule;
            }
        }
    }

    // Everything else becomes an expression over host + path?query (no scheme).
    std::string_view body = p;
    std::string expr;
    bool start_anchor = false;
    bool domain_anchor = false;
    if (body.starts_with("||")) {
        domain_anchor = true;
        body.remove_prefix(2);
    } else if (body.starts_with('|')) {
        body.remove_prefix(1);
        start_anchor = true;
    }
    while (body.starts_with('*')) {
        body.remove_prefix(1);
        start_anchor = false;
        domain_anchor = false;
    }
    for (std::string_view scheme : {"https://", "http://", "wss://", "ws://", "://"}) {
        if (body.starts_with(scheme) && !domain_anchor) {
            body.remove_prefix(scheme.size());
            start_anchor = true;
            break;
        }
    }
    if (body.find("://") != std::string_view::npos ||
        (start_anchor && body.find(':') < body.find('/'))) {
        return skip("anchored to a scheme or other URL part not seen by a proxy");
    }
    bool end_anchor = false;
    if (body.ends_with('|')) {
        body.remove_suffix(1);
        end_anchor = true;
    }
    while (body.ends_with('*')) {
        body.remove_suffix(1);
        end_anchor = false;
    }
    // A `|` inside the pattern anchors nothing; adblock syntax reads it literally.

    std::size_t literal_chars = 0;
    if (domain_anchor) {
        // `^(?:[^/]*\.)?domain` is exact but makes Hyperscan compile EasyPrivacy's
        // 4k `||domain/path` rules in 30 s instead of 0.7 s. When the rule spells
        // out the whole host, compile it unanchored and check the host boundary
        // in code on a match; otherwise require the text start or a dot before it.
        const auto host_end = body.find_first_not_of(host_chars);
        if (host_end != std::string_view::npos && host_end > 0 &&
            (body[host_end] == '/' || body[host_end] == '^')) {
            rule.domain = std::string(body.substr(0, host_end));
        } else {
            expr = "[\\x01.]";
        }
    } else if (start_anchor) {
        expr = "\\x01";
    }
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '*') {
            if (!expr.ends_with(".*")) expr += ".*";
        } else if (c == '^') {
            expr += i + 1 == body.size() ? "(?:" + std::string(separator_class) + "|$)"
                                         : std::string(separator_class);
        } else {
            append_escaped(expr, c);
            ++literal_chars;
        }
    }
    if (end_anchor) expr += '$';
    if (literal_chars < 3) return skip("too generic (fewer than 3 literal characters)");

    rule.k = adblock_rule::kind::pattern;
    rule.expression = std::move(expr);
    return rule;
}

}  // namespace phiguard::policy
