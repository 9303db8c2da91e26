#include "policy/scan/validate.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;
using namespace phiguard::policy::scan;

TEST_CASE("validate: a key anchor reads the JSON or form value after it") {
    document json;
    json.json = true;
    json.text = R"({"dob": "1961-07-14", "em": ["abc"]})";
    const auto dob_to = json.text.find(':') + 1;
    const auto [b, e] = value_extent(json, dob_to);
    CHECK(json.text.substr(b, e - b) == "1961-07-14");

    std::vector<detect::candidate> out;
    validate_key({"dob", "dob", detect::value_check::date, false}, json, dob_to, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].kind == "dob");
    out.clear();
    const auto em_to = json.text.find("\"em\":") + 5;
    validate_key({"em", "email", detect::value_check::email, false}, json, em_to, out);
    CHECK(out.empty());  // "abc" is neither an address nor a digest
}

TEST_CASE("validate: the enclosing key of a value, in JSON and in embedded queries") {
    document json;
    json.json = true;
    json.text = R"({"content_name": "Colonoscopy", "url": "https://x/?test=HIV"})";
    bool path_like = false;
    CHECK(enclosing_key(json, json.text.find("Colonoscopy"), path_like) == "content_name");
    CHECK(enclosing_key(json, json.text.find("HIV"), path_like) == "test");
}

TEST_CASE("validate: e-mail and MRN anchors expand to the whole token") {
    document d;
    d.text = "write to jane.roe@example.com or MRN: 00482913.";
    std::vector<detect::candidate> out;
    validate_email(d, d.text.find('@') + 1, out);
    REQUIRE(out.size() == 1);
    CHECK(d.text.substr(out[0].offset, out[0].length) == "jane.roe@example.com");
    out.clear();
    validate_mrn(d, d.text.find("00482") + 5, out);
    REQUIRE(out.size() == 1);
    CHECK(d.text.substr(out[0].offset, out[0].length) == "MRN: 00482913");
}
