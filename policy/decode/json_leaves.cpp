#include "policy/decode/json_leaves.hpp"

#include <cctype>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "policy/decode/json_escape.hpp"

namespace phiguard::policy::decode {
namespace {

class leaf_parser {
public:
    leaf_parser(std::string_view s, std::vector<json_leaf>& out, int max_depth)
        : s_(s), out_(out), max_depth_(max_depth) {}

    bool run() {
        skip_ws();
        if (!value("", "", 0)) return false;
        skip_ws();
        return i_ == s_.size();
    }

private:
    void skip_ws() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }

    bool string(std::string& into) {
        if (i_ >= s_.size() || s_[i_] != '"') return false;
        const std::size_t start = ++i_;
        while (i_ < s_.size() && s_[i_] != '"') i_ += s_[i_] == '\\' ? 2 : 1;
        if (i_ >= s_.size()) return false;
        into = json_unescape_string(s_.substr(start, i_ - start));
        ++i_;
        return true;
    }

    bool value(const std::string& key, const std::string& path, int depth) {
        if (depth > max_depth_ || i_ >= s_.size()) return false;
        const char c = s_[i_];
        if (c == '{') return object(key, path, depth);
        if (c == '[') return array(key, path, depth);
        json_leaf leaf{key, path, {}};
        if (c == '"') {
            if (!string(leaf.value)) return false;
        } else {
            const std::size_t start = i_;
            while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' &&
                   !std::isspace(static_cast<unsigned char>(s_[i_])))
                ++i_;
            if (i_ == start) return false;
            leaf.value = std::string(s_.substr(start, i_ - start));
        }
        out_.push_back(std::move(leaf));
        return true;
    }

    bool object(const std::string&, const std::string& path, int depth) {
        ++i_;
        const std::size_t first = out_.size();
        skip_ws();
        if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
        while (i_ < s_.size()) {
            skip_ws();
            std::string name;
            if (!string(name)) return false;
            skip_ws();
            if (i_ >= s_.size() || s_[i_] != ':') return false;
            ++i_;
            skip_ws();
            if (!value(name, path.empty() ? name : path + "." + name, depth + 1)) return false;
            skip_ws();
            if (i_ < s_.size() && s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (i_ < s_.size() && s_[i_] == '}') {
                ++i_;
                name_value_pair(first, path);
                return true;
            }
            return false;
        }
        return false;
    }

    // {"name": "appt_date", "value": "2026-12-03"} says appt_date=2026-12-03.
    void name_value_pair(std::size_t first, const std::string& path) {
        const json_leaf* name = nullptr;
        const json_leaf* val = nullptr;
        for (std::size_t k = first; k < out_.size(); ++k) {
            if (out_[k].key == "name" || out_[k].key == "key") name = &out_[k];
            if (out_[k].key == "value") val = &out_[k];
        }
        if (name && val && !name->value.empty()) {
            json_leaf leaf{name->value, path.empty() ? name->value : path + "." + name->value,
                           val->value};
            out_.push_back(std::move(leaf));
        }
    }

    bool array(const std::string& key, const std::string& path, int depth) {
        ++i_;
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
        for (int index = 0; i_ < s_.size(); ++index) {
            skip_ws();
            if (!value(key, path + "[" + std::to_string(index) + "]", depth + 1)) return false;
            skip_ws();
            if (i_ < s_.size() && s_[i_] == ',') {
                ++i_;
                continue;
            }
            if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
            return false;
        }
        return false;
    }

    std::string_view s_;
    std::vector<json_leaf>& out_;
    int max_depth_;
    std::size_t i_ = 0;
};

struct frame {
    bool object;
    bool expecting_key;
    std::string_view key;
    std::size_t index;
};

std::string render(const std::vector<frame>& stack) {
    std::string p = "$";
    for (const auto& f : stack) {
        if (f.object) {
            if (!f.key.empty()) p.append(".").append(f.key);
        } else {
            p += "[" + std::to_string(f.index) + "]";
        }
    }
    return p;
}

}  // namespace

bool json_leaves(std::string_view text, std::vector<json_leaf>& out, int max_depth) {
    std::vector<json_leaf> leaves;
    if (!leaf_parser(text, leaves, max_depth).run()) return false;
    for (auto& l : leaves) out.push_back(std::move(l));
    return true;
}

// A bracket outside strings: a frame opens or closes. Out of line, as it grows the stack.
void open_or_close(std::vector<frame>& stack, char c) {
    if (c == '{')
        stack.push_back({true, true, {}, 0});
    else if (c == '[')
        stack.push_back({false, false, {}, 0});
    else if ((c == '}' || c == ']') && !stack.empty())
        stack.pop_back();
}

// One structural step outside strings, shared by the byte walk and the block skim. Commas
// and colons, most of the steps, are done in line.
inline void step(std::vector<frame>& stack, char c) {
    if (c == ',' || c == ':') {
        if (stack.empty()) return;
        frame& f = stack.back();
        if (!f.object)
            f.index += c == ',';
        else
            f.expecting_key = c == ',';
        return;
    }
    open_or_close(stack, c);
}

#ifdef __SSE2__
// The bytes of a 64-byte block that the walk acts on, one bit each, from one pass over it.
struct block_masks {
    std::uint64_t backslash = 0, quote = 0, structural = 0;
    std::uint64_t value_lead = 0;  ///< ':' and '[', after which a string is no member name
    std::uint64_t opening = 0;     ///< '{' and '['
    std::uint64_t closing = 0;     ///< '}' and ']'
};

// (Forced in line: as a call it computed every mask for the bracket-only pass too, half of
// that pass's time.)
[[gnu::always_inline]] inline block_masks classify(const char* p) noexcept {
    // '{' | 0x20 == '{' and '[' | 0x20 == '{'; likewise '}' and ']': two compares for four.
    const __m128i case_bit = _mm_set1_epi8(0x20);
    block_masks m;
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
        const __m128i folded = _mm_or_si128(x, case_bit);
        const __m128i opening = _mm_cmpeq_epi8(folded, _mm_set1_epi8('{'));
        const __m128i closing = _mm_cmpeq_epi8(folded, _mm_set1_epi8('}'));
        const __m128i brackets = _mm_or_si128(opening, closing);
        const __m128i colon = _mm_cmpeq_epi8(x, _mm_set1_epi8(':'));
        const __m128i punct = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(',')), colon);
        auto bits = [k](__m128i v) {
            return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(v)))
                   << (16 * k);
        };
        m.backslash |= bits(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
        m.quote |= bits(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')));
        m.structural |= bits(_mm_or_si128(brackets, punct));
        m.value_lead |= bits(_mm_or_si128(colon, _mm_cmpeq_epi8(x, _mm_set1_epi8('['))));
        m.opening |= bits(opening);
        m.closing |= bits(closing);
    }
    return m;
}

// Bit k set where an odd number of bits at or below k are set in x: inside a string, with
// its opening quote, for x the quotes of a block that starts outside one.
std::uint64_t prefix_xor(std::uint64_t x) noexcept {
    for (int shift = 1; shift < 64; shift *= 2) x ^= x << shift;
    return x;
}

// Set bits in x. Without -mpopcnt, __builtin_popcountll is a call into libgcc, which took a
// quarter of the bracket-only pass.
std::size_t count_bits(std::uint64_t x) noexcept {
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<std::size_t>((x * 0x0101010101010101ULL) >> 56);
}

// Whether 64 bytes at i may be walked as a block: inside the text with room after (a string
// still open at its end is the byte walk's) and before the next offset.
bool block_fits(std::string_view s, std::size_t i, std::size_t due) noexcept {
    return i + 64 < s.size() && due >= i + 64;
}

// A container whose opening bracket is just before from, passed over on its brackets alone:
// where it closes (past its closing bracket) if that is in blocks before the next offset,
// else 0. Nothing in a container that closes before an offset is in that offset's path, and
// a batch is such containers, one per event: counting brackets is most of a block walk's
// work saved. 0 too where a backslash makes quotes ambiguous.
std::size_t skip_container(std::string_view s, std::size_t from, std::size_t due) {
    std::size_t depth = 1;
    bool inside = false;
    for (std::size_t i = from; block_fits(s, i, due); i += 64) {
        const block_masks m = classify(s.data() + i);
        if (m.backslash) return 0;
        if (!(m.opening | m.closing)) {  // no bracket: only whether a string runs on counts
            inside ^= __builtin_parityll(m.quote) != 0;
            continue;
        }
        const std::uint64_t in = prefix_xor(m.quote) ^ (inside ? ~std::uint64_t{0} : 0);
        inside = in >> 63;
        const std::uint64_t opening = m.opening & ~in, closing = m.closing & ~in;
        const std::size_t closes = count_bits(closing);
        if (closes < depth) {  // cannot close here: only the depth changes
            depth += count_bits(opening) - closes;
            continue;
        }
        for (std::uint64_t b = opening | closing; b; b &= b - 1) {
            const auto k = static_cast<unsigned>(__builtin_ctzll(b));
            if (opening >> k & 1)
                ++depth;
            else if (--depth == 0)
                return i + k + 1;
        }
    }
    return 0;
}

// Where the block walk stands between blocks: inside a string or not, and if so where it
// opened and whether it names a member.
struct skim_state {
    bool inside = false;
    bool key = false;
    std::size_t open = 0;
};

// The walk over the 64 bytes at s[i] with no offset to place in them, done on bit masks:
// strings, numbers and spaces are passed over whole, and a string may run on from the block
// before. Returns how many bytes it took: 64, more where a container that opens in the block
// closes in a later one before the next offset (due), or 0, with nothing done, where a
// backslash makes quotes ambiguous (the byte walk takes that block).
std::size_t skim(std::string_view s, std::size_t i, std::vector<frame>& stack, skim_state& st,
                 std::size_t due) {
    const char* p = s.data() + i;
    const block_masks m = classify(p);
    if (m.backslash) return 0;
    const std::uint64_t quotes = m.quote;
    // Bit k set where k lies in a string, its opening quote included and its closing one not.
    const std::uint64_t inside = prefix_xor(quotes) ^ (st.inside ? ~std::uint64_t{0} : 0);
    // A member name that began in an earlier block ends at this block's first quote.
    if (st.key && quotes) {
        const auto close = static_cast<unsigned>(__builtin_ctzll(quotes));
        stack.back().key = s.substr(st.open + 1, i + close - st.open - 1);
        st.key = false;
    }
    const std::uint64_t opens = quotes & inside;
    // Only a string that might name a member is looked at: one right after ':' or '[' cannot
    // (the walk would not take it for one either), and most strings are such values.
    std::uint64_t events = (m.structural & ~inside) | (opens & ~(m.value_lead << 1));
    while (events) {
        const auto k = static_cast<unsigned>(__builtin_ctzll(events));
        events &= events - 1;
        if (!(opens >> k & 1)) {
            // Tried for objects inside a container only: the top-level value holds every
            // offset, and an array is often the batch that holds this one, so the pass over it
            // would be wasted. And only a few levels deep: each object still open at the
            // offset costs one pass to it, and nesting is the sender's to choose.
            if (p[k] == '{' && !stack.empty() && stack.size() < 8) {
                if (const std::size_t end = skip_container(s, i + k + 1, due)) {
                    if (end >= i + 64) {
                        st = {};  // just past a bracket: outside any string
                        return end - i;
                    }
                    events &= ~((std::uint64_t{1} << (end - i)) - 1);
                    continue;
                }
            }
            step(stack, p[k]);
            continue;
        }
        if (stack.empty() || !stack.back().object || !stack.back().expecting_key) continue;
        const std::uint64_t after = quotes & ~((std::uint64_t{2} << k) - 1);
        if (after) {
            const auto close = static_cast<unsigned>(__builtin_ctzll(after));
            stack.back().key = s.substr(i + k + 1, close - k - 1);
        } else {
            st.key = true;  // it runs past the block
        }
    }
    if (inside >> 63 && opens) st.open = i + 63 - static_cast<std::size_t>(__builtin_clzll(opens));
    st.inside = inside >> 63;
    return 64;
}
#endif

std::vector<std::string> json_paths_at(std::string_view s,
                                       const std::vector<std::size_t>& offsets) {
    std::vector<std::string> paths;
    paths.reserve(offsets.size());
    std::vector<frame> stack;
    // The next offset still to place. settle() runs for every byte outside strings, so it
    // compares against one local rather than re-reading the vector (a quarter of this walk).
    constexpr std::size_t none = std::string_view::npos;
    std::size_t next = 0;
    std::size_t due = offsets.empty() ? none : offsets[0];
    auto settle = [&](std::size_t upto) {
        while (due <= upto) {
            paths.push_back(render(stack));
            due = ++next < offsets.size() ? offsets[next] : none;
        }
    };
    std::size_t i = 0;
#ifdef __SSE2__
    std::size_t bytewise_until = 0;  // past a backslash, the byte walk goes on for a block
    skim_state st;
#endif
    while (i < s.size() && due != none) {
#ifdef __SSE2__
        if (i >= bytewise_until && block_fits(s, i, due)) {
            if (const std::size_t n = skim(s, i, stack, st, due)) {
                i += n;
                continue;
            }
            bytewise_until = i + 64;
        }
        // The byte walk takes a string whole from its opening quote: where the blocks left
        // off inside one, it goes back there. Nothing of that string has been acted on yet.
        if (st.inside) {
            i = st.open;
            st.inside = false;
            st.key = false;
        }
#endif
        const char c = s[i];
        if (c == '"') {
            // Jump quote to quote; a quote after an odd run of backslashes is escaped.
            std::size_t j = i + 1;
            while (true) {
                const void* q =
                    j < s.size() ? std::memchr(s.data() + j, '"', s.size() - j) : nullptr;
                if (!q) {
                    j = s.size();
                    break;
                }
                j = static_cast<std::size_t>(static_cast<const char*>(q) - s.data());
                std::size_t bs = 0;
                while (bs < j - i - 1 && s[j - 1 - bs] == '\\') ++bs;
                if (bs % 2 == 0) break;
                ++j;
            }
            const std::size_t end = j < s.size() ? j : s.size() - 1;
            if (!stack.empty() && stack.back().object && stack.back().expecting_key)
                stack.back().key = s.substr(i + 1, end - i - 1);
            settle(end);
            i = end + 1;
            continue;
        }
        settle(i);
        step(stack, c);
        ++i;
    }
    while (paths.size() < offsets.size()) paths.push_back(render(stack));
    return paths;
}

}  // namespace phiguard::policy::decode
