#include "policy/scan/doc_scan.hpp"

#include <hs.h>

#include <algorithm>
#include <stdexcept>

#include "policy/decode/base64.hpp"
#include "policy/decode/json_leaves.hpp"
#include "policy/detect/hint.hpp"
#include "policy/detect/shapes.hpp"
#include "policy/scan/flatten.hpp"
#include "policy/scan/validate.hpp"

namespace phiguard::policy::scan {
namespace {

using detect::candidate;

struct hit {
    unsigned id;
    std::size_t from, to;
};

struct match_sink {
    std::vector<hit>* hits;
    std::size_t base;
};

int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
    auto& sink = *static_cast<match_sink*>(ctx);
    sink.hits->push_back(
        {id, sink.base + static_cast<std::size_t>(from), sink.base + static_cast<std::size_t>(to)});
    // A runaway number of anchors (a body made of keys) is bounded; what was seen still counts.
    return sink.hits->size() > 200000 ? 1 : 0;
}

void scan_with(const hs_database_t* db, hs_scratch_t* scratch, std::string_view text,
               std::size_t base, std::vector<hit>& hits) {
    if (!db || text.empty()) return;
    match_sink sink{&hits, base};
    const hs_error_t rc =
        hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch, on_match, &sink);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
        throw std::runtime_error("hyperscan scan failed: " + std::to_string(rc));
}

bool is_health(const std::string& kind) {
    return kind == "condition" || kind == "medication" || kind == "procedure" ||
           kind == "appointment";
}

std::string location_at(const document& doc, std::size_t offset) {
    if (doc.fielded()) return doc.location_at(offset);
    if (doc.json) return doc.root + ":" + decode::json_paths_at(doc.text, {offset}).front();
    return doc.root;
}

void scan_base64(const detector_set& set, const document& doc, const hit& h,
                 std::vector<finding>& out) {
    const auto& info = set.patterns()[h.id];
    const auto [b, e] = base64_token(doc, h.to, info.length);
    if (b == e) return;
    auto decoded = decode::base64_decode(std::string_view(doc.text).substr(b, e - b));
    if (!decoded || !decode::mostly_printable(*decoded)) return;
    document sub;
    sub.where = doc.where;
    sub.root = location_at(doc, b);
    sub.depth = doc.depth + 1;
    if (sub.depth > set.config().max_decode_depth) {
        out.push_back(
            uninspectable(doc.where, sub.root, "more encoding layers than the decode depth limit"));
        return;
    }
    flattener f(sub, set.config().max_decode_depth - sub.depth, set.config().max_decoded_bytes);
    f.item("", std::move(*decoded), -1, 0);
    for (const auto& p : f.problems())
        out.push_back(uninspectable(sub.where, sub.location(p.segment), p.reason));
    scan_document(set, sub, out);
}

detect::shape_options shape_options_for(const detector_set& set, const document& doc) {
    detect::shape_options o;
    o.ssn = set.enabled("ssn");
    o.phone = set.enabled("phone");
    o.credit_card = set.enabled("credit_card");
    o.npi = set.enabled("npi");
    o.mbi = set.enabled("mbi");
    o.ip = set.enabled("ip_address") && doc.where == location_kind::body;
    o.dates = set.enabled("dates");
    o.icd10 = set.enabled("icd10");
    o.min_confidence = set.config().min_confidence;
    return o;
}

}  // namespace

finding uninspectable(location_kind where, std::string location, std::string reason) {
    finding f;
    f.detector = "uninspectable";
    f.kind = "uninspectable";
    f.where = where;
    f.location = std::move(location);
    f.confidence = 1.0;
    f.hint = std::move(reason);
    return f;
}

void scan_document(const detector_set& set, const document& doc, std::vector<finding>& out) {
    std::vector<candidate> cands;
    std::vector<hit> hits;
    scan_with(set.database(), set.scratch(), doc.text, 0, hits);
    using T = pattern_info::type;
    const auto& cat = set.data();
    // First the context: where the context words are, and which values a dictionary term
    // would count in (health keys, test=/q= keys, text after patient words).
    detect::context_index context;
    std::vector<std::pair<std::size_t, std::size_t>> regions;
    for (const hit& h : hits) {
        const auto& info = set.patterns()[h.id];
        if (info.t == T::context) {
            context.add(h.to, static_cast<std::uint16_t>(info.index));
            if (info.index & detect::ctx_patient)
                regions.emplace_back(h.to, std::min(doc.text.size(), h.to + 96));
        } else if (info.t == T::context_key ||
                   (info.t == T::key && is_health(cat.keys()[info.index].kind))) {
            const auto [b, e] = value_extent(doc, h.to);
            if (e > b) regions.emplace_back(b, e);
        }
    }
    context.finish();
    for (const hit& h : hits) {
        const auto& info = set.patterns()[h.id];
        switch (info.t) {
            case T::key:
                validate_key(cat.keys()[info.index], doc, h.to, cands);
                break;
            case T::term:
                validate_term(set, cat.terms()[info.index], doc, h.to, context, cands);
                break;
            case T::email:
                validate_email(doc, h.to, cands);
                break;
            case T::doctor:
                validate_doctor(doc, h.to, cands);
                break;
            case T::mrn:
                validate_mrn(doc, h.to, cands);
                break;
            case T::mrn_custom:
                cands.push_back(
                    {"mrn",
                     "mrn",
                     h.from,
                     h.to - h.from,
                     0.85,
                     detect::redact(std::string_view(doc.text).substr(h.from, h.to - h.from)),
                     {}});
                break;
            case T::base64_json:
                scan_base64(set, doc, h, out);
                break;
            case T::context:
            case T::context_key:
                break;
        }
    }
    if (!regions.empty() && set.dictionary()) {
        std::sort(regions.begin(), regions.end());
        std::vector<hit> terms;
        std::size_t covered = 0;
        for (auto [b, e] : regions) {
            b = std::max(b, covered);
            if (e <= b) continue;
            scan_with(set.dictionary(), set.scratch(), std::string_view(doc.text).substr(b, e - b),
                      b, terms);
            covered = e;
        }
        for (const hit& h : terms)
            validate_term(set, cat.terms()[set.dictionary_patterns()[h.id].index], doc, h.to,
                          context, cands);
    }
    detect::scan_shapes(doc.text, shape_options_for(set, doc), context, cands);

    const double min = set.config().min_confidence;
    cands.erase(std::remove_if(cands.begin(), cands.end(),
                               [&](const candidate& c) {
                                   return c.confidence < min || !set.enabled(c.detector.c_str());
                               }),
                cands.end());
    if (cands.empty()) return;
    // One finding per kind and place: the most confident detector wins an overlap.
    std::sort(cands.begin(), cands.end(), [](const candidate& a, const candidate& b) {
        return a.offset != b.offset ? a.offset < b.offset : a.confidence > b.confidence;
    });
    std::vector<candidate> kept;
    for (auto& c : cands) {
        bool merged = false;
        for (auto it = kept.rbegin(); it != kept.rend() && it - kept.rbegin() < 8; ++it) {
            const bool overlap = c.offset < it->offset + std::max<std::size_t>(it->length, 1) &&
                                 it->offset < c.offset + std::max<std::size_t>(c.length, 1);
            if (overlap && it->kind == c.kind) {
                if (c.confidence > it->confidence) *it = std::move(c);
                merged = true;
                break;
            }
        }
        if (!merged) kept.push_back(std::move(c));
    }
    std::vector<std::string> json_paths;
    std::vector<std::size_t> offsets;
    if (doc.json) {
        for (const auto& c : kept) offsets.push_back(c.offset);
        std::sort(offsets.begin(), offsets.end());
        json_paths = decode::json_paths_at(doc.text, offsets);
    }
    for (std::size_t i = 0; i < kept.size(); ++i) {
        auto& c = kept[i];
        finding f;
        f.detector = std::move(c.detector);
        f.kind = std::move(c.kind);
        f.where = doc.where;
        if (doc.json)
            f.location =
                doc.root + ":" +
                json_paths[static_cast<std::size_t>(
                    std::lower_bound(offsets.begin(), offsets.end(), c.offset) - offsets.begin())];
        else if (doc.fielded())
            f.location = doc.location_at(c.offset);
        else
            f.location = doc.root;
        if (!c.subkey.empty()) f.location += ">" + c.subkey;
        f.offset = c.offset;
        f.length = c.length;
        f.confidence = c.confidence;
        f.hint = std::move(c.hint);
        out.push_back(std::move(f));
    }
}

}  // namespace phiguard::policy::scan
