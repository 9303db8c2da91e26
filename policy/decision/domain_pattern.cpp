#include "policy/decision/domain_pattern.hpp"

namespace phiguard::policy {

std::optional<std::string> domain_pattern_problem(std::string_view pattern) {
    if (pattern.starts_with("*.")) pattern.remove_prefix(2);
    if (pattern.empty()) return "an empty domain matches no host";
    // domain_matches() treats only a leading "*." as a wildcard; any other '*' is
    // compared literally, and no host name contains one.
    if (pattern.find('*') != std::string_view::npos)
        return "'*' is only allowed as a leading '*.' (a host name never contains '*')";
    if (pattern.size() > 253) return "longer than the 253 characters a host name may have";
    std::size_t label = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '.') {
            if (label == 0) return "has an empty label ('..' or a leading or trailing '.')";
            label = 0;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok) {
            if (c == ' ') return std::string("contains a space");
            if (c == ':' || c == '/')
                return std::string("must be a bare host name, without scheme, port or path");
            return std::string("contains '") + c + "', which no host name holds";
        }
        if (++label > 63) return "has a label longer than 63 characters";
    }
    if (label == 0) return "has an empty label ('..' or a leading or trailing '.')";
    return std::nullopt;
}

}  // namespace phiguard::policy
