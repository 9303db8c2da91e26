#include "policy/scan/doc_scan.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;

TEST_CASE("doc_scan: a JSON document's findings are located by JSON path") {
    const auto set = detector_set::build({});
    scan::document doc;
    doc.json = true;
    doc.root = "body";
    doc.text = R"({"user":{"phone_number":"+1 415-555-0132"},"n":[1,2]})";
    std::vector<finding> out;
    scan::scan_document(*set, doc, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].kind == "phone");
    CHECK(out[0].location == "body:$.user.phone_number");
    CHECK(doc.text.substr(out[0].offset, out[0].length) == "+1 415-555-0132");
}

TEST_CASE("doc_scan: uninspectable findings fail closed with full confidence") {
    const auto f = scan::uninspectable(location_kind::body, "body", "why");
    CHECK(f.kind == "uninspectable");
    CHECK(f.detector == "uninspectable");
    CHECK(f.confidence == 1.0);
    CHECK(f.hint == "why");
}
