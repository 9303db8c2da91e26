#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace phiguard::test {

/// A fresh private directory per test (mkdtemp, mode 0700), removed on destruction, so tests
/// running in parallel never share files. Unit and e2e tests both use it. Set
/// PHIGUARD_E2E_KEEP=1 to keep it for a post-mortem.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    /// Absolute path of `name` inside the directory.
    std::string file(std::string_view name) const;
    /// Writes `content` to `name` (e.g. a YAML config) and returns its absolute path.
    std::string write(std::string_view name, std::string_view content) const;

private:
    std::filesystem::path path_;
};

/// The whole content of a file, or "" when it does not exist (yet).
std::string read_file_text(const std::filesystem::path& path);

}  // namespace phiguard::test

namespace phiguard::e2e {
using test::read_file_text;
using test::temp_dir;
}  // namespace phiguard::e2e
