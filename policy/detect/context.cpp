#include "policy/detect/context.hpp"

#include <algorithm>
#include <array>

namespace phiguard::policy::detect {
namespace {
constexpr unsigned block_shift = 6;
}  // namespace

std::span<const context_word> context_words() {
    static constexpr std::array<context_word, 48> words = {{
        {"dob", ctx_dob},
        {"d.o.b", ctx_dob},
        {"birth", ctx_dob},
        {"born", ctx_dob},
        {"bday", ctx_dob},
        {"appointment", ctx_appointment},
        {"appt", ctx_appointment},
        {"visit", ctx_appointment},
        {"scheduled", ctx_appointment},
        {"admission", ctx_appointment},
        {"admit", ctx_appointment},
        {"discharge", ctx_appointment},
        {"surgery", ctx_appointment},
        {"ssn", ctx_ssn},
        {"social security", ctx_ssn},
        {"social sec", ctx_ssn},
        {"ss#", ctx_ssn},
        {"phone", ctx_phone},
        {"tel", ctx_phone},
        {"mobile", ctx_phone},
        {"cell", ctx_phone},
        {"call", ctx_phone},
        {"fax", ctx_phone},
        {"sms", ctx_phone},
        {"contact", ctx_phone},
        {"number", ctx_phone},
        {"npi", ctx_npi},
        {"provider", ctx_npi},
        {"mbi", ctx_mbi},
        {"medicare", ctx_mbi},
        {"beneficiary", ctx_mbi},
        {"card", ctx_card},
        {"credit", ctx_card},
        {"visa", ctx_card},
        {"mastercard", ctx_card},
        {"amex", ctx_card},
        {"icd", ctx_icd},
        {"diagnos", ctx_icd | ctx_patient},
        {"dx", ctx_icd},
        {"condition", ctx_icd},
        {"my ", ctx_patient},
        {"i have", ctx_patient},
        {"patient", ctx_patient},
        {"history of", ctx_patient},
        {"positive", ctx_patient},
        {"suffer", ctx_patient},
        {"treat", ctx_patient},
        {"living with", ctx_patient},
    }};
    return words;
}

void context_index::finish() {
    std::sort(hits_.begin(), hits_.end());
    blocks_.assign(hits_.empty() ? 0 : (hits_.back().first >> block_shift) + 1, 0);
    for (const auto& [end, mask] : hits_) blocks_[end >> block_shift] |= mask;
}

bool context_index::near(std::size_t pos, std::uint16_t mask, std::size_t window) const {
    const std::size_t from = pos > window ? pos - window : 0;
    std::uint16_t seen = 0;
    for (std::size_t b = from >> block_shift; b <= (pos >> block_shift) && b < blocks_.size(); ++b)
        seen |= blocks_[b];
    if (!(seen & mask)) return false;
    const auto lo = static_cast<std::uint32_t>(from);
    auto it = std::lower_bound(hits_.begin(), hits_.end(), std::make_pair(lo, std::uint16_t{0}));
    for (; it != hits_.end() && it->first <= pos; ++it)
        if (it->second & mask) return true;
    return false;
}

std::vector<std::size_t> context_index::ends(std::uint16_t mask) const {
    std::vector<std::size_t> r;
    for (const auto& h : hits_)
        if (h.second & mask) r.push_back(h.first);
    return r;
}

}  // namespace phiguard::policy::detect
