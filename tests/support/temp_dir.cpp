#include "support/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace phiguard::test {

temp_dir::temp_dir() {
    auto base = std::filesystem::temp_directory_path() / "phiguard-test-XXXXXX";
    std::string pattern = base.string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = buf.data();
}

temp_dir::~temp_dir() {
    if (std::getenv("PHIGUARD_E2E_KEEP") != nullptr) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string temp_dir::file(std::string_view name) const {
    return (path_ / name).string();
}

std::string temp_dir::write(std::string_view name, std::string_view content) const {
    auto const target = file(name);
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + target);
    return target;
}

std::string read_file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace phiguard::test
