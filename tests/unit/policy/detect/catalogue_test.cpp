#include "policy/detect/catalogue.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace phiguard::policy;

TEST_CASE("catalogue: the built-in dictionary holds over 1,000 distinct health terms") {
    const auto c = detect::catalogue::build({});
    std::set<std::string> distinct;
    std::map<std::string, int> per_kind;
    for (const auto& t : c.terms()) {
        distinct.insert(t.text);
        ++per_kind[t.kind];
    }
    CHECK(distinct.size() == c.terms().size());
    CHECK(distinct.size() >= 1000);
    CHECK(per_kind["condition"] >= 300);
    CHECK(per_kind["medication"] >= 200);
    CHECK(per_kind["procedure"] >= 200);
    CHECK(per_kind["specialty"] >= 50);
    CHECK(distinct.count("breast cancer") == 1);
    CHECK(distinct.count("metformin") == 1);
}

TEST_CASE("catalogue: PHI keys carry their kind and value check, extras are merged") {
    detector_config cfg;
    cfg.extra_keys.push_back({"Patient_Ref", "mrn"});
    cfg.extra_terms.push_back({"Frobnitz Syndrome", "condition"});
    const auto c = detect::catalogue::build(cfg);
    const auto* dob = c.find_key("dob");
    REQUIRE(dob);
    CHECK(dob->kind == "dob");
    CHECK(dob->check == detect::value_check::date);
    REQUIRE(c.find_key("em"));
    CHECK(c.find_key("em")->check == detect::value_check::email);
    REQUIRE(c.find_key("patient_ref"));
    CHECK(c.find_key("nonsense") == nullptr);
    CHECK(c.is_context_key("test"));
    CHECK_FALSE(c.is_context_key("utm_source"));
    CHECK(c.terms().back().text == "frobnitz syndrome");
}

TEST_CASE("catalogue: keys are judged by their innermost name") {
    CHECK(detect::normalise_key("cd[Patient_Name]") == "patient_name");
    CHECK(detect::normalise_key("ud[em]") == "em");
    CHECK(detect::normalise_key("ep.mrn") == "mrn");
    CHECK(detect::normalise_key("user_data.em") == "em");
    CHECK(detect::normalise_key("condition") == "condition");
}
