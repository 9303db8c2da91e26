#include "policy/destinations/endpoint_glob.hpp"

namespace phiguard::policy {

namespace {

char fold(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool at_boundary(std::string_view rest) {
    return rest.empty() || std::string_view("/?;&#").find(rest.front()) != std::string_view::npos;
}

bool match(std::string_view glob, std::string_view path) {
    while (!glob.empty()) {
        if (glob.front() == '*') {
            glob.remove_prefix(1);
            for (std::size_t skip = 0; skip <= path.size(); ++skip) {
                if (match(glob, path.substr(skip))) return true;
                if (skip < path.size() && path[skip] == '?') break;
            }
            return false;
        }
        if (path.empty() || fold(glob.front()) != fold(path.front())) return false;
        glob.remove_prefix(1);
        path.remove_prefix(1);
    }
    return at_boundary(path);
}

}  // namespace

bool endpoint_glob_matches(std::string_view glob, std::string_view path) {
    return match(glob, path);
}

}  // namespace phiguard::policy
