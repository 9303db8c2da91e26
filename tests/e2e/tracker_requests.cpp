#include "e2e/tracker_requests.hpp"

#include "e2e/support/http_reply.hpp"

namespace phiguard::e2e {

tracker_request meta_pixel_condition() {
    return {"meta-dl-condition",
            "GET",
            "https://www.facebook.com/tr/?id=123456789012345&ev=PageView&dl=https%3A%2F%2F"
            "portal.examplehealth.org%2Ffind-a-doctor%2Fresults%3Fspecialty%3Doncology%26condition"
            "%3Dbreast%2520cancer%26physician%3Ddr_maria_lopez&rl=&if=false&ts=1732300000000&v=2."
            "9.170",
            "",
            "",
            {"breast cancer", "breast%20cancer", "breast%2520cancer", "breast+cancer",
             "maria_lopez", "maria lopez"}};
}

tracker_request meta_pixel_clean() {
    return {"meta-pageview-clean",
            "GET",
            "https://www.facebook.com/tr/?id=123456789012345&ev=PageView&dl=https%3A%2F%2F"
            "www.examplehealth.org%2Fabout-us&ts=1732300000001",
            "",
            "",
            {}};
}

tracker_request ga4_batch_mrn() {
    return {"ga4-batch-body-mrn",
            "POST",
            "https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ9&cid=1.2&_p=123",
            "text/plain;charset=UTF-8",
            "en=page_view&dl=https%3A%2F%2Fwww.examplehealth.org%2F\n"
            "en=form_submit&ep.form_id=intake&ep.mrn=MRN00913377",
            {"MRN00913377", "00913377"}};
}

tracker_request capi_hashed_email() {
    return {"capi-json-hashed",
            "POST",
            "https://graph.facebook.com/v19.0/123456789012345/events",
            "application/json",
            R"({"data": [{"event_name": "Schedule", "event_time": 1732300000, )"
            R"("action_source": "website", "user_data": {"em": )"
            R"(["9d043af8047d56798e3ab912b1e6e937a63933239f6ae349ef4747b5ae1e6e75"], )"
            R"("client_ip_address": "203.0.113.7"}, "custom_data": )"
            R"({"content_name": "Colonoscopy consultation"}}]})",
            {"9d043af8047d56798e3ab912b1e6e937a63933239f6ae349ef4747b5ae1e6e75",
             "Colonoscopy consultation"}};
}

tracker_request epic_patient() {
    return {"epic-phi",
            "POST",
            "https://fhir.epic.com/interconnect-fhir-oauth/api/FHIR/R4/Patient",
            "application/json",
            R"({"resourceType": "Patient", "name": [{"family": "Roe", "given": ["Jane"]}], )"
            R"("birthDate": "1961-07-14", "identifier": [{"system": "urn:mrn", )"
            R"("value": "MRN00482913"}]})",
            {"MRN00482913", "00482913", "1961-07-14"}};
}

std::string test_policy(const std::string& epic_expires, const std::string& extra) {
    return "destinations:\n"
           "  - name: Epic Systems\n"
           "    domains: [\"*.epic.com\"]\n"
           "    baa:\n"
           "      status: signed\n"
           "      reference: BAA-TEST-EPIC\n"
           "      signed: 2024-01-15\n"
           "      expires: " +
           epic_expires +
           "\n"
           "      owner: privacy@examplehealth.org\n"
           "first_party:\n"
           "  - portal.examplehealth.org\n" +
           extra;
}

curl_result send_request(const std::string& proxy_url, const phiguard_ca& ca, const temp_dir& dir,
                         const tracker_request& r) {
    std::vector<std::string> args{"-X", r.method};
    if (!r.content_type.empty()) {
        args.push_back("-H");
        args.push_back("Content-Type: " + r.content_type);
    }
    if (r.method != "GET") {
        args.push_back("--data-binary");
        args.push_back("@" + dir.write(r.name + ".body", r.body));
    }
    args.push_back(r.url);
    return curl_intercepted(proxy_url, ca, args);
}

std::string leaked_value(const std::string& text, const std::vector<tracker_request>& requests) {
    for (auto const& r : requests)
        for (auto const& v : r.planted)
            if (icontains(text, v)) return v;
    return {};
}

}  // namespace phiguard::e2e
