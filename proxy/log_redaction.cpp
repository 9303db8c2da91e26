#include "proxy/log_redaction.hpp"

#include <algorithm>
#include <cctype>

namespace phiguard::proxy {
namespace {

// Long enough for any real browser string (~150-300 bytes), short enough that
// a client cannot use the header to bloat every alert line.
constexpr std::size_t max_user_agent = 512;

bool iprefix(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

std::string redacted(std::string_view what, std::size_t bytes) {
    return "[redacted: " + std::string(what) + ", " + std::to_string(bytes) + " bytes]";
}

}  // namespace

std::string logged_path(std::string_view path, const std::vector<policy::finding>& findings) {
    const bool in_line = std::any_of(findings.begin(), findings.end(), [](const auto& f) {
        return f.where == policy::location_kind::request_line;
    });
    if (!in_line) return std::string(path);
    return redacted("the path held PHI", path.size());
}

std::string logged_user_agent(std::string_view user_agent,
                              const std::vector<policy::finding>& findings) {
    const bool in_header = std::any_of(findings.begin(), findings.end(), [](const auto& f) {
        return f.where == policy::location_kind::header && iprefix(f.location, "header:user-agent");
    });
    if (in_header) return redacted("the User-Agent held PHI", user_agent.size());
    if (user_agent.size() <= max_user_agent) return std::string(user_agent);
    // Cut on a character boundary so the JSON line stays valid UTF-8.
    auto cut = max_user_agent;
    while (cut > 0 && (static_cast<unsigned char>(user_agent[cut]) & 0xC0) == 0x80) --cut;
    return std::string(user_agent.substr(0, cut)) + "…[" + std::to_string(user_agent.size()) +
           " bytes]";
}

}  // namespace phiguard::proxy
