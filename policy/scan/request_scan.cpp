#include "policy/scan/request_scan.hpp"

#include <algorithm>
#include <cctype>

#include "policy/decode/inflate.hpp"
#include "policy/decode/json_escape.hpp"
#include "policy/decode/multipart.hpp"
#include "policy/decode/percent.hpp"
#include "policy/scan/doc_scan.hpp"
#include "policy/scan/flatten.hpp"

namespace phiguard::policy {
namespace {

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}

bool contains(std::string_view s, std::string_view what) {
    return s.find(what) != std::string_view::npos;
}

// Headers that carry protocol, not payload: scanning them only finds version numbers.
// User-Agent is scanned: app SDKs write their own, and whatever it holds
// reaches both the vendor and the alert log's user_agent.original.
bool skipped_header(const std::string& n) {
    static constexpr std::string_view names[] = {"host",
                                                 "content-length",
                                                 "content-type",
                                                 "content-encoding",
                                                 "accept",
                                                 "accept-encoding",
                                                 "accept-language",
                                                 "connection",
                                                 "cache-control",
                                                 "pragma",
                                                 "te",
                                                 "upgrade",
                                                 "upgrade-insecure-requests",
                                                 "if-none-match",
                                                 "if-modified-since",
                                                 "priority",
                                                 "dnt",
                                                 "transfer-encoding",
                                                 "keep-alive"};
    if (n.rfind("sec-", 0) == 0) return true;
    return std::find(std::begin(names), std::end(names), n) != std::end(names);
}

bool url_header(const std::string& n) {
    return n == "referer" || n == "referrer" || n == "origin" || n == "location" ||
           n == "content-location" || n == "x-forwarded-url" || n == "x-original-url";
}

enum class body_kind { form, json, multipart, text };

body_kind sniff(std::string_view ct, std::string_view body) {
    const std::string c = lower(ct);
    if (contains(c, "x-www-form-urlencoded")) return body_kind::form;
    if (contains(c, "json")) return body_kind::json;
    if (contains(c, "multipart/")) return body_kind::multipart;
    std::size_t i = 0;
    while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    if (i < body.size() && (body[i] == '{' || body[i] == '[')) return body_kind::json;
    // GA4 batches: lines of form-encoded events, sent as text/plain.
    const auto line = body.substr(0, body.find('\n'));
    const auto eq = line.find('=');
    if (eq != std::string_view::npos && eq > 0 && line.find(' ') == std::string_view::npos &&
        (contains(line, "&") || contains(body, "\n")))
        return body_kind::form;
    return body_kind::text;
}

}  // namespace

request_scan::request_scan(std::shared_ptr<const detector_set> set) : set_(std::move(set)) {}

request_scan::~request_scan() = default;

void request_scan::scan_target(std::string_view, std::string_view url) {
    const auto& cfg = set_->config();
    const auto parts = scan::split_target(url);
    {
        scan::document doc;
        doc.where = location_kind::request_line;
        doc.root = "request_line";
        scan::flattener f(doc, cfg.max_decode_depth, cfg.max_decoded_bytes);
        if (!parts.params.empty()) f.pairs(parts.params, ";", -1, 0);
        if (!parts.path.empty() && parts.path != "/")
            f.item("path", decode::percent_decode(parts.path, false), -1, 1, true);
        for (const auto& p : f.problems())
            findings_.push_back(scan::uninspectable(doc.where, doc.location(p.segment), p.reason));
        scan::scan_document(*set_, doc, findings_);
    }
    if (parts.has_query && !parts.query.empty()) {
        scan::document doc;
        doc.where = location_kind::query;
        doc.root = "query";
        scan::flattener f(doc, cfg.max_decode_depth, cfg.max_decoded_bytes);
        f.pairs(parts.query, "&", -1, 0);
        for (const auto& p : f.problems())
            findings_.push_back(scan::uninspectable(doc.where, doc.location(p.segment), p.reason));
        scan::scan_document(*set_, doc, findings_);
    }
}

void request_scan::scan_header(std::string_view name, std::string_view value) {
    const std::string n = lower(name);
    if (skipped_header(n) || value.empty()) return;
    const auto& cfg = set_->config();
    scan::document doc;
    doc.where = location_kind::header;
    doc.root = "header:" + std::string(name);
    scan::flattener f(doc, cfg.max_decode_depth, cfg.max_decoded_bytes);
    if (n == "cookie")
        f.pairs(value, ";", -1, 0);
    else if (url_header(n))
        f.item("", std::string(value), -1, 0);
    else
        f.item("", std::string(value), -1, 0);
    for (const auto& p : f.problems())
        findings_.push_back(scan::uninspectable(doc.where, doc.location(p.segment), p.reason));
    scan::scan_document(*set_, doc, findings_);
}

void request_scan::begin_body(std::string_view content_type, std::string_view content_encoding,
                              std::size_t length_hint) {
    content_type_ = std::string(content_type);
    const auto& cfg = set_->config();
    inflater_ = std::make_unique<decode::inflater>(
        content_encoding, decode::inflater::limits{cfg.max_decoded_bytes, cfg.max_inflate_ratio});
    body_.clear();
    // Growing by doubling copied a 64 KiB body about once over (2 % of its scan). A claimed
    // length beyond the limit reserves only the limit, and pages of a large reservation not
    // yet written are not memory in use.
    if (length_hint > 0 && inflater_->identity())
        body_.reserve(std::min(length_hint, cfg.max_decoded_bytes));
    in_body_ = true;
    body_failed_ = false;
    if (!inflater_->error().empty()) {
        findings_.push_back(scan::uninspectable(location_kind::body, "body", inflater_->error()));
        body_failed_ = true;
    }
}

void request_scan::body(std::string_view chunk) {
    if (!in_body_) begin_body({}, {});
    if (body_failed_) return;
    if (!inflater_->feed(chunk, body_)) {
        findings_.push_back(scan::uninspectable(location_kind::body, "body", inflater_->error()));
        body_failed_ = true;
    }
}

void request_scan::end_body() {
    if (!in_body_) return;
    in_body_ = false;
    if (!body_failed_ && !inflater_->finish()) {
        findings_.push_back(scan::uninspectable(location_kind::body, "body", inflater_->error()));
        body_failed_ = true;
    }
    // What was decoded before a failure is still scanned: a partial look beats none.
    if (body_.size() > set_->config().max_decoded_bytes)
        body_.resize(set_->config().max_decoded_bytes);
    scan_body_text(std::move(body_), content_type_, "body");
    body_.clear();
}

void request_scan::scan_text(std::string_view text) {
    scan_body_text(std::string(text), "text/plain", "body");
}

void request_scan::scan_body_text(std::string text, std::string_view content_type,
                                  std::string root) {
    if (text.empty()) return;
    const auto& cfg = set_->config();
    scan::document doc;
    doc.where = location_kind::body;
    switch (sniff(content_type, text)) {
        case body_kind::form: {
            doc.root = root + ":form";
            scan::flattener f(doc, cfg.max_decode_depth, cfg.max_decoded_bytes);
            f.pairs(text, "&\r\n", -1, 0);
            for (const auto& p : f.problems())
                findings_.push_back(
                    scan::uninspectable(doc.where, doc.location(p.segment), p.reason));
            break;
        }
        case body_kind::json:
            doc.root = root;
            doc.json = true;
            doc.text = text.find('\\') == std::string::npos ? std::move(text)
                                                            : decode::json_unescape_text(text);
            break;
        case body_kind::multipart: {
            const auto boundary = decode::multipart_boundary(content_type);
            if (!boundary) {
                doc.root = root + ":text";
                doc.text = std::move(text);
                break;
            }
            // Plain fields are parameters like a form's; files and typed parts are bodies.
            doc.root = root + ":multipart";
            scan::flattener f(doc, cfg.max_decode_depth, cfg.max_decoded_bytes);
            for (const auto& part : decode::split_multipart(text, *boundary)) {
                const std::string pct = lower(part.content_type);
                if (part.filename.empty() && (pct.empty() || contains(pct, "text/plain")))
                    f.item(part.name, std::string(part.body), -1, 0);
                else
                    scan_body_text(std::string(part.body), part.content_type,
                                   root + ":multipart:" + part.name);
            }
            for (const auto& p : f.problems())
                findings_.push_back(
                    scan::uninspectable(doc.where, doc.location(p.segment), p.reason));
            break;
        }
        case body_kind::text:
            doc.root = root + ":text";
            doc.text = std::move(text);
            break;
    }
    scan::scan_document(*set_, doc, findings_);
}

}  // namespace phiguard::policy
