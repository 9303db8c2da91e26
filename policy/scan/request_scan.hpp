#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policy/finding.hpp"
#include "policy/scan/detector_set.hpp"

namespace phiguard::policy {

namespace decode {
class inflater;
}

/// The PHI scan of one request, fed as the request arrives. One per request, used by one
/// thread at a time; it keeps the generation it was created with alive, so a reload never
/// pulls the database from under a request in flight.
///
/// Bodies are decoded (Content-Encoding) as chunks arrive and held, up to the configured
/// inspection limit, until end_body(): values are validated whole and structured bodies are
/// read with their structure, so a value split across reads of any size is seen whole.
class request_scan {
public:
    explicit request_scan(std::shared_ptr<const detector_set> set);
    ~request_scan();
    request_scan(const request_scan&) = delete;
    request_scan& operator=(const request_scan&) = delete;

    /// Request line: an absolute URL or an origin-form target. Path and ;params are
    /// "request_line" locations, query parameters "query" locations.
    void scan_target(std::string_view method, std::string_view url);
    void scan_header(std::string_view name, std::string_view value);
    /// length_hint: the body's Content-Length where the request has one. Room for the body is
    /// then made once (up to the decoded-size limit) rather than regrown as reads arrive.
    void begin_body(std::string_view content_type, std::string_view content_encoding,
                    std::size_t length_hint = 0);
    /// Any size, any split.
    void body(std::string_view chunk);
    void end_body();
    /// Scans free text as a text/plain body would be (the CLI, peer comparisons).
    void scan_text(std::string_view text);

    const std::vector<finding>& findings() const noexcept { return findings_; }
    const detector_set& detectors() const noexcept { return *set_; }

private:
    void scan_body_text(std::string text, std::string_view content_type, std::string root);

    std::shared_ptr<const detector_set> set_;
    std::vector<finding> findings_;
    std::string content_type_;
    std::unique_ptr<decode::inflater> inflater_;
    std::string body_;
    bool in_body_ = false;
    bool body_failed_ = false;
};

}  // namespace phiguard::policy
