#include "policy/config/diagnostic.hpp"

#include <doctest/doctest.h>

using phiguard::policy::diagnostic;
using phiguard::policy::has_errors;

TEST_CASE("config: diagnostics print as file:line:column: severity: message") {
    diagnostic d{"policy.yaml", 3, 7, diagnostic::severity::error, "bad thing"};
    CHECK(d.to_string() == "policy.yaml:3:7: error: bad thing");
    d.level = diagnostic::severity::warning;
    CHECK(d.to_string() == "policy.yaml:3:7: warning: bad thing");
}

TEST_CASE("config: a diagnostic without a position prints only the file") {
    diagnostic d{"policy.yaml", 0, 0, diagnostic::severity::error, "cannot read the file"};
    CHECK(d.to_string() == "policy.yaml: error: cannot read the file");
}

TEST_CASE("config: only errors count as errors") {
    std::vector<diagnostic> list;
    CHECK_FALSE(has_errors(list));
    list.push_back({"f", 1, 1, diagnostic::severity::warning, "w"});
    CHECK_FALSE(has_errors(list));
    list.push_back({"f", 2, 1, diagnostic::severity::error, "e"});
    CHECK(has_errors(list));
}
