#include "policy/detect/catalogue.hpp"

#include <cctype>
#include <sstream>
#include <stdexcept>

namespace phiguard::embedded {
std::string_view phi_terms();
std::string_view phi_keys();
std::string_view phi_context();
}  // namespace phiguard::embedded

namespace phiguard::policy::detect {
namespace {

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}

value_check parse_check(const std::string& s, int line) {
    static const std::unordered_map<std::string, value_check> names = {
        {"any", value_check::any},   {"date", value_check::date},   {"id", value_check::id},
        {"name", value_check::name}, {"email", value_check::email}, {"phone", value_check::phone},
        {"hash", value_check::hash}, {"ssn", value_check::ssn},     {"npi", value_check::npi},
        {"mbi", value_check::mbi},   {"ip", value_check::ip}};
    const auto it = names.find(s);
    if (it == names.end())
        throw std::runtime_error("phi_keys.txt line " + std::to_string(line) +
                                 ": unknown value check '" + s + "'");
    return it->second;
}

template <typename F>
void for_each_line(std::string_view text, F f) {
    int number = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++number;
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
            line.remove_suffix(1);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
            line.remove_prefix(1);
        if (line.empty() || line.front() == '#') continue;
        f(line, number);
    }
}

}  // namespace

std::string normalise_key(std::string_view key) {
    // Innermost bracket: cd[patient_name], ud[em], cd%5Bmrn%5D already decoded by callers.
    auto close = key.rfind(']');
    if (close != std::string_view::npos) {
        auto open = key.rfind('[', close);
        if (open != std::string_view::npos && close > open + 1)
            key = key.substr(open + 1, close - open - 1);
    }
    auto dot = key.rfind('.');
    if (dot != std::string_view::npos && dot + 1 < key.size()) key = key.substr(dot + 1);
    return lower(key);
}

catalogue catalogue::build(const detector_config& config) {
    catalogue c;
    std::string kind;
    for_each_line(embedded::phi_terms(), [&](std::string_view line, int number) {
        if (line.front() == '[') {
            if (line.back() != ']')
                throw std::runtime_error("phi_terms.txt line " + std::to_string(number) +
                                         ": bad section");
            kind = std::string(line.substr(1, line.size() - 2));
            return;
        }
        if (kind.empty())
            throw std::runtime_error("phi_terms.txt line " + std::to_string(number) +
                                     ": term before any section");
        c.terms_.push_back({lower(line), kind});
    });
    for (const auto& t : config.extra_terms) c.terms_.push_back({lower(t.term), t.kind});

    for_each_line(embedded::phi_keys(), [&](std::string_view line, int number) {
        std::istringstream in{std::string(line)};
        std::string key, k, check;
        if (!(in >> key >> k >> check))
            throw std::runtime_error("phi_keys.txt line " + std::to_string(number) +
                                     ": expected key, kind, check");
        std::string scope;
        in >> scope;
        c.keys_.push_back({lower(key), k, parse_check(check, number), scope == "json"});
    });
    for (const auto& k : config.extra_keys) c.keys_.push_back({lower(k.key), k.kind});
    for (std::size_t i = 0; i < c.keys_.size(); ++i) c.key_index_[c.keys_[i].key] = i;

    for_each_line(embedded::phi_context(), [&](std::string_view line, int) {
        c.context_[lower(line)] = true;
        c.context_keys_.push_back(lower(line));
    });
    return c;
}

const key_rule* catalogue::find_key(std::string_view key) const {
    const auto it = key_index_.find(std::string(key));
    return it == key_index_.end() ? nullptr : &keys_[it->second];
}

bool catalogue::is_context_key(std::string_view key) const {
    const std::string k(key);
    return context_.count(k) > 0 || key_index_.count(k) > 0;
}

}  // namespace phiguard::policy::detect
