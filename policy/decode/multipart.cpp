#include "policy/decode/multipart.hpp"

#include <cctype>

namespace phiguard::policy::decode {
namespace {

bool iequals_prefix(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) !=
            std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

std::string param(std::string_view header, std::string_view name) {
    std::size_t pos = 0;
    while ((pos = header.find(name, pos)) != std::string_view::npos) {
        const bool starts = pos == 0 || header[pos - 1] == ';' || header[pos - 1] == ' ';
        pos += name.size();
        if (!starts || pos >= header.size() || header[pos] != '=') continue;
        ++pos;
        if (pos < header.size() && header[pos] == '"') {
            const auto end = header.find('"', pos + 1);
            return std::string(header.substr(
                pos + 1, end == std::string_view::npos ? std::string_view::npos : end - pos - 1));
        }
        const auto end = header.find(';', pos);
        std::string v(
            header.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
        while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
        return v;
    }
    return {};
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
    if (!iequals_prefix(content_type, "multipart/")) return std::nullopt;
    std::string b = param(content_type, "boundary");
    if (b.empty() || b.size() > 200) return std::nullopt;
    return b;
}

std::vector<multipart_part> split_multipart(std::string_view body, std::string_view boundary) {
    std::vector<multipart_part> parts;
    const std::string delim = "--" + std::string(boundary);
    std::size_t pos = body.find(delim);
    while (pos != std::string_view::npos) {
        pos += delim.size();
        if (body.substr(pos, 2) == "--") break;
        const auto head_start = body.find('\n', pos);
        if (head_start == std::string_view::npos) break;
        auto head_end = body.find("\r\n\r\n", head_start);
        std::size_t sep = 4;
        const auto lf = body.find("\n\n", head_start);
        if (head_end == std::string_view::npos || (lf != std::string_view::npos && lf < head_end)) {
            head_end = lf;
            sep = 2;
        }
        if (head_end == std::string_view::npos) break;
        const std::string_view head = body.substr(head_start + 1, head_end - head_start - 1);
        const std::size_t content = head_end + sep;
        auto next = body.find(delim, content);
        std::size_t end = next == std::string_view::npos ? body.size() : next;
        if (end > content && body[end - 1] == '\n') --end;
        if (end > content && body[end - 1] == '\r') --end;
        multipart_part part;
        part.body = body.substr(content, end > content ? end - content : 0);
        std::size_t line_start = 0;
        while (line_start <= head.size()) {
            auto line_end = head.find('\n', line_start);
            if (line_end == std::string_view::npos) line_end = head.size();
            std::string_view line = head.substr(line_start, line_end - line_start);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (iequals_prefix(line, "content-disposition:")) {
                part.name = param(line, "name");
                part.filename = param(line, "filename");
            } else if (iequals_prefix(line, "content-type:")) {
                auto v = line.substr(13);
                while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
                part.content_type = std::string(v);
            }
            line_start = line_end + 1;
        }
        parts.push_back(std::move(part));
        pos = next;
    }
    return parts;
}

}  // namespace phiguard::policy::decode
