#include "policy/scan/validate.hpp"

#include <algorithm>
#include <cctype>

#include "policy/decode/base64.hpp"
#include "policy/decode/json_escape.hpp"
#include "policy/decode/percent.hpp"
#include "policy/detect/checks.hpp"
#include "policy/detect/context.hpp"
#include "policy/detect/hint.hpp"

namespace phiguard::policy::scan {
namespace {

using detect::candidate;
using detect::value_check;

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

struct value_span {
    std::size_t begin = 0, end = 0;
    std::string value;  // decoded
    bool object = false;
    bool embedded = false;  // a key=value inside a JSON string or free text
};

bool placeholder(std::string_view v) {
    static constexpr std::string_view none[] = {"",  "null", "undefined", "none", "false", "true",
                                                "0", "[]",   "{}",        "n/a",  "-",     "nan"};
    std::string l(v);
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::find(std::begin(none), std::end(none), l) != std::end(none);
}

std::string decode_layers(std::string v, int layers) {
    for (int i = 0; i < layers && decode::has_percent_escape(v); ++i)
        v = decode::percent_decode(v, i == 0);
    return v;
}

value_span value_after(const document& doc, std::size_t to) {
    const std::string_view t = doc.text;
    value_span s;
    const char sep = t[to - 1];
    if (sep == ':') {
        std::size_t i = to;
        while (i < t.size() && is_space(t[i])) ++i;
        if (i < t.size() && t[i] == '[') {
            ++i;
            while (i < t.size() && is_space(t[i])) ++i;
        }
        if (i >= t.size()) return s;
        if (t[i] == '"') {
            std::size_t j = i + 1;
            while (j < t.size() && t[j] != '"') j += t[j] == '\\' ? 2 : 1;
            j = std::min(j, t.size());
            s.begin = i + 1;
            s.end = j;
            s.value = decode::json_unescape_string(t.substr(s.begin, s.end - s.begin));
        } else if (t[i] == '{') {
            s.begin = s.end = i;
            s.object = true;
        } else {
            std::size_t j = i;
            while (j < t.size() && t[j] != ',' && t[j] != '}' && t[j] != ']' && !is_space(t[j]))
                ++j;
            s.begin = i;
            s.end = j;
            s.value = std::string(t.substr(i, j - i));
        }
        return s;
    }
    if (doc.fielded()) {
        if (const auto sg = doc.item_at(to); sg && sg->begin == to) {
            s.begin = sg->begin;
            s.end = sg->end;
            s.value = std::string(t.substr(sg->begin, sg->end - sg->begin));
            return s;
        }
    }
    std::size_t j = to;
    while (j < t.size() && t[j] != '&' && t[j] != '"' && t[j] != '#' && t[j] != ';' &&
           t[j] != '\\' && !is_space(t[j]))
        ++j;
    s.begin = to;
    s.end = j;
    s.embedded = true;
    s.value = decode_layers(std::string(t.substr(to, j - to)), 3);
    return s;
}

std::size_t count_digits(std::string_view v) {
    return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    }));
}

std::string only_digits(std::string_view v) {
    std::string d;
    for (char c : v)
        if (std::isdigit(static_cast<unsigned char>(c))) d.push_back(c);
    return d;
}

bool looks_like_id(std::string_view v) {
    if (v.size() < 4 || v.size() > 32 || count_digits(v) < 3) return false;
    return std::all_of(v.begin(), v.end(),
                       [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool looks_like_name(std::string_view v) {
    std::string_view n = v;
    std::string lower(n.substr(0, 4));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("dr.", 0) == 0 || lower.rfind("dr_", 0) == 0 || lower.rfind("dr ", 0) == 0 ||
        lower.rfind("dr-", 0) == 0)
        n.remove_prefix(3);
    while (!n.empty() && (n.front() == ' ' || n.front() == '_')) n.remove_prefix(1);
    if (n.size() < 2 || n.size() > 60) return false;
    std::size_t letters = 0;
    for (char c : n) {
        if (std::isalpha(static_cast<unsigned char>(c)))
            ++letters;
        else if (!(c == ' ' || c == '_' || c == '-' || c == '.' || c == '\'' || c == ','))
            return false;
    }
    return letters >= 2;
}

bool looks_like_phone(std::string_view v) {
    const std::size_t d = count_digits(v);
    if (d < 10 || d > 15) return false;
    return std::all_of(v.begin(), v.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == ' ' ||
               c == '(' || c == ')' || c == '.';
    });
}

}  // namespace

void validate_key(const detect::key_rule& rule, const document& doc, std::size_t to,
                  std::vector<candidate>& out) {
    const std::string_view t = doc.text;
    // The literal must start a key: "&mrn=", "[mrn]=", ".mrn=", "?mrn=", "\"mrn\":".
    if (to == 0 || to > t.size()) return;
    const value_span v = value_after(doc, to);
    if (v.object) {
        if (rule.check == value_check::any)
            out.push_back({"phi_key", rule.kind, v.begin, 1, 0.7, "object", {}});
        return;
    }
    if (placeholder(v.value)) return;
    const std::string subkey = (doc.json && v.embedded) ? rule.key : std::string();
    auto emit = [&](const char* detector, const std::string& kind, double conf) {
        out.push_back(
            {detector, kind, v.begin, v.end - v.begin, conf, detect::redact(v.value), subkey});
    };
    const std::string& val = v.value;
    switch (rule.check) {
        case value_check::any:
            emit("phi_key", rule.kind, 0.85);
            break;
        case value_check::date:
            if (auto d = checks::parse_date(val)) {
                emit(rule.kind == "dob" ? "dob" : "appointment_date", rule.kind, 0.95);
            } else if (checks::hex_digest(val)) {
                emit("hashed_identifier", "hashed_identifier", 0.9);
            } else if (count_digits(val) >= 4 || rule.kind == "appointment") {
                emit("phi_key", rule.kind, 0.7);
            }
            break;
        case value_check::id:
            if (looks_like_id(val))
                emit(rule.kind == "mrn" ? "mrn" : "insurance_id", rule.kind, 0.9);
            break;
        case value_check::name:
            if (checks::hex_digest(val))
                emit("hashed_identifier", "hashed_identifier", 0.9);
            else if (looks_like_name(val))
                emit(rule.kind == "provider_name" ? "provider_name" : "name", rule.kind, 0.85);
            break;
        case value_check::email:
            if (checks::hex_digest(val))
                emit("hashed_email", "hashed_identifier", 0.95);
            else if (checks::email(val))
                emit("email", "email", 0.95);
            break;
        case value_check::phone:
            if (checks::hex_digest(val))
                emit("hashed_phone", "hashed_identifier", 0.95);
            else if (looks_like_phone(val))
                emit("phone", "phone", 0.9);
            break;
        case value_check::hash:
            if (checks::hex_digest(val)) emit("hashed_identifier", "hashed_identifier", 0.9);
            break;
        case value_check::ssn: {
            const std::string d = only_digits(val);
            if (d.size() == 9 && checks::ssn(d))
                emit("ssn", "ssn", 0.95);
            else
                emit("phi_key", "ssn", 0.7);
            break;
        }
        case value_check::npi:
            if (checks::npi(only_digits(val))) emit("npi", "npi", 0.95);
            break;
        case value_check::mbi: {
            std::string id;
            for (char c : val)
                if (c != '-') id.push_back(c);
            if (checks::mbi(id)) emit("mbi", "mbi", 0.95);
            break;
        }
        case value_check::ip:
            if (checks::ipv4(val) || checks::ipv6(val)) emit("ip_address", "ip_address", 0.8);
            break;
    }
}

std::string enclosing_key(const document& doc, std::size_t pos, bool& path_like) {
    path_like = false;
    if (doc.fielded()) {
        const auto s = doc.item_at(pos);
        if (!s) return {};
        path_like = s->path_like;
        return detect::normalise_key(doc.key_of(*s));
    }
    const std::string_view t = doc.text;
    const std::size_t stop = pos > 256 ? pos - 256 : 0;
    for (std::size_t k = pos; k > stop; --k) {
        const char c = t[k - 1];
        if (c == '=') {
            std::size_t b = k - 1;
            while (b > 0 && (is_alnum(t[b - 1]) || t[b - 1] == '_' || t[b - 1] == '.' ||
                             t[b - 1] == '[' || t[b - 1] == ']' || t[b - 1] == '-'))
                --b;
            return detect::normalise_key(t.substr(b, k - 1 - b));
        }
        if (c == '&' || c == '\n' || c == '?') return {};
        if (c == '"' && !(k >= 2 && t[k - 2] == '\\')) {
            std::size_t i = k - 1;
            while (i > 0 && is_space(t[i - 1])) --i;
            if (i == 0 || t[i - 1] != ':') return {};
            --i;
            while (i > 0 && is_space(t[i - 1])) --i;
            if (i == 0 || t[i - 1] != '"') return {};
            const std::size_t end = i - 1;
            std::size_t b = end;
            while (b > 0 && t[b - 1] != '"') --b;
            return detect::normalise_key(t.substr(b, end - b));
        }
    }
    return {};
}

std::pair<std::size_t, std::size_t> value_extent(const document& doc, std::size_t to) {
    if (to == 0 || to > doc.text.size()) return {to, to};
    const value_span v = value_after(doc, to);
    return {v.begin, v.end};
}

void validate_term(const detector_set& set, const detect::term& term, const document& doc,
                   std::size_t to, const detect::context_index& context,
                   std::vector<candidate>& out) {
    const std::string_view t = doc.text;
    // Walk the term backwards from the match end; a space matches any separator form.
    std::size_t i = to;
    for (std::size_t j = term.text.size(); j > 0; --j) {
        const char c = term.text[j - 1];
        if (c == ' ') {
            if (i >= 5 && t.substr(i - 5, 5) == "%2520")
                i -= 5;
            else if (i >= 3 && t.substr(i - 3, 3) == "%20")
                i -= 3;
            else if (i >= 1 &&
                     (t[i - 1] == ' ' || t[i - 1] == '_' || t[i - 1] == '+' || t[i - 1] == '-'))
                i -= 1;
            else
                return;
        } else {
            if (i == 0 ||
                std::tolower(static_cast<unsigned char>(t[i - 1])) != static_cast<unsigned char>(c))
                return;
            --i;
        }
    }
    const std::size_t start = i;
    if (start > 0 && is_alnum(t[start - 1])) return;
    if (to < t.size() && is_alnum(t[to])) {
        const bool plural =
            (t[to] == 's' || t[to] == 'S') && (to + 1 >= t.size() || !is_alnum(t[to + 1]));
        if (!plural) return;
    }
    bool path_like = false;
    const std::string key = enclosing_key(doc, start, path_like);
    const auto* rule = set.data().find_key(key);
    const bool health_key = rule && (rule->kind == "condition" || rule->kind == "medication" ||
                                     rule->kind == "procedure" || rule->kind == "appointment");
    double conf = 0.35;
    if (path_like)
        conf = 0.2;
    else if (term.kind == "specialty")
        conf = health_key ? 0.9 : 0.3;
    else if (health_key || set.data().is_context_key(key))
        conf = 0.9;
    else if (context.near(start, detect::ctx_patient, 64))
        conf = 0.8;
    else if (term.kind == "appointment")
        conf = 0.6;
    out.push_back({"dictionary",
                   term.kind,
                   start,
                   to - start,
                   conf,
                   detect::redact(t.substr(start, to - start)),
                   {}});
}

void validate_email(const document& doc, std::size_t to, std::vector<candidate>& out) {
    const std::string_view t = doc.text;
    const std::size_t at = to - 1;
    auto local = [](char c) {
        return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
    };
    std::size_t l = at;
    while (l > 0 && at - l < 64 && local(t[l - 1])) --l;
    while (l < at && (t[l] == '.' || t[l] == '\'')) ++l;
    std::size_t r = to;
    while (r < t.size() && r - to < 255 && (is_alnum(t[r]) || t[r] == '.' || t[r] == '-')) ++r;
    while (r > to && (t[r - 1] == '.' || t[r - 1] == '-')) --r;
    const auto token = t.substr(l, r - l);
    if (!checks::email(token)) return;
    out.push_back({"email", "email", l, r - l, 0.9, detect::redact(token), {}});
}

void validate_doctor(const document& doc, std::size_t to, std::vector<candidate>& out) {
    const std::string_view t = doc.text;
    const std::size_t cap = to - 1;  // the capital after "Dr. " / "Dr "
    if (cap < 3) return;
    const bool dotted = t[cap - 2] == '.';
    const std::size_t start = cap - (dotted ? 4 : 3);
    if (start > 0 && is_alnum(t[start - 1])) return;
    auto word = [&](std::size_t b) {
        std::size_t e = b;
        if (e >= t.size() || !std::isupper(static_cast<unsigned char>(t[e]))) return b;
        ++e;
        while (e < t.size() &&
               (std::islower(static_cast<unsigned char>(t[e])) || t[e] == '\'' || t[e] == '-'))
            ++e;
        return e;
    };
    std::size_t e1 = word(cap);
    if (e1 < cap + 2) return;
    std::size_t end = e1;
    int words = 1;
    if (e1 + 1 < t.size() && t[e1] == ' ') {
        const std::size_t e2 = word(e1 + 1);
        if (e2 >= e1 + 3) {
            end = e2;
            ++words;
        }
    }
    if (words < 2 && !dotted) return;
    const double conf = words >= 2 ? (dotted ? 0.85 : 0.7) : 0.6;
    out.push_back({"provider_name",
                   "provider_name",
                   start,
                   end - start,
                   conf,
                   detect::redact(t.substr(start, end - start)),
                   {}});
}

void validate_mrn(const document& doc, std::size_t to, std::vector<candidate>& out) {
    const std::string_view t = doc.text;
    std::size_t e = to;
    while (e < t.size() && std::isdigit(static_cast<unsigned char>(t[e]))) ++e;
    if (e < t.size() && std::isalpha(static_cast<unsigned char>(t[e]))) return;
    // Back over the five digits, up to two separators ("MRN: ", "mrn#") and "mrn" itself.
    std::size_t b = to - 5;
    for (int n = 0; n < 2 && b > 0 &&
                    (t[b - 1] == ' ' || t[b - 1] == '-' || t[b - 1] == '#' || t[b - 1] == ':');
         ++n)
        --b;
    if (b < 3) return;
    b -= 3;
    if (b > 0 && std::isalpha(static_cast<unsigned char>(t[b - 1]))) return;
    out.push_back({"mrn", "mrn", b, e - b, 0.9, detect::redact(t.substr(b, e - b)), {}});
}

std::pair<std::size_t, std::size_t> base64_token(const document& doc, std::size_t to,
                                                 std::size_t prefix_len) {
    const std::string_view t = doc.text;
    auto b64 = [](char c) { return is_alnum(c) || c == '+' || c == '/' || c == '-' || c == '_'; };
    const std::size_t start = to - prefix_len;
    if (start > 0 && b64(t[start - 1])) return {0, 0};
    std::size_t e = to;
    while (e < t.size() && b64(t[e])) ++e;
    while (e < t.size() && t[e] == '=' && e - to < 2) ++e;
    if (!decode::looks_base64(t.substr(start, e - start))) return {0, 0};
    return {start, e};
}

}  // namespace phiguard::policy::scan
