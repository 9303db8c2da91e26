#include "policy/decode/json_leaves.hpp"

#include <cctype>
#include <cstring>

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
    for (std::size_t i = 0; i < s.size() && due != none; ++i) {
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
            if (!stack.empty() && stack.back().object && stack.back().expecting_key) {
                stack.back().key = s.substr(i + 1, end - i - 1);
                settle(end);
            } else {
                settle(end);
            }
            i = end;
            continue;
        }
        settle(i);
        switch (c) {
            case '{':
                stack.push_back({true, true, {}, 0});
                break;
            case '[':
                stack.push_back({false, false, {}, 0});
                break;
            case '}':
            case ']':
                if (!stack.empty()) stack.pop_back();
                break;
            case ',':
                if (!stack.empty()) {
                    if (stack.back().object)
                        stack.back().expecting_key = true;
                    else
                        ++stack.back().index;
                }
                break;
            case ':':
                if (!stack.empty() && stack.back().object) stack.back().expecting_key = false;
                break;
            default:
                break;
        }
    }
    while (paths.size() < offsets.size()) paths.push_back(render(stack));
    return paths;
}

}  // namespace phiguard::policy::decode
