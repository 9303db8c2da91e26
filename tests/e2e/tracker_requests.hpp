#pragma once
// Tracker and vendor requests with planted (synthetic) PHI, as the policy and reload tests send
// them through the proxy, and the policy those tests run under.
#include <string>
#include <vector>

#include "e2e/intercept_fixture.hpp"

namespace phiguard::e2e {

struct tracker_request {
    std::string name;
    std::string method;
    std::string url;
    std::string content_type;  // "" for none
    std::string body;
    /// The planted PHI values: none may ever appear in the alert log.
    std::vector<std::string> planted;
};

/// Meta Pixel PageView whose dl= carries a condition and a physician (double-encoded).
tracker_request meta_pixel_condition();
/// The same PageView on a public page: no PHI.
tracker_request meta_pixel_clean();
/// A GA4 batched POST whose second event carries an MRN.
tracker_request ga4_batch_mrn();
/// A Conversions API event with a SHA-256 hashed e-mail.
tracker_request capi_hashed_email();
/// A FHIR Patient POST to the EHR vendor (BAA in the test policy).
tracker_request epic_patient();

/// The reference rules with an Epic BAA that expires on `epic_expires` (YYYY-MM-DD), and
/// portal.examplehealth.org as first party; `extra` is appended as more top-level YAML.
std::string test_policy(const std::string& epic_expires = "2030-01-14",
                        const std::string& extra = "");

/// Sends `r` through the intercepting proxy with curl (body from a file in `dir`).
curl_result send_request(const std::string& proxy_url, const phiguard_ca& ca, const temp_dir& dir,
                         const tracker_request& r);

/// The first planted value of `requests` that occurs in `text`, or "".
std::string leaked_value(const std::string& text, const std::vector<tracker_request>& requests);

}  // namespace phiguard::e2e
