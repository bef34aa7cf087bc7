// Temporary files for tests of the gradc subcommands: unique paths, writing them, reading them back.
#pragma once

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace gradc::testing {

namespace detail {

// The paths temp_path has handed out in this process, removed when it ends.
struct TempPaths {
    std::mutex mutex;
    unsigned count = 0;
    std::vector<std::filesystem::path> paths;
    ~TempPaths() {
        std::error_code ignored;
        for (const std::filesystem::path& path : paths) std::filesystem::remove_all(path, ignored);
    }
};

inline TempPaths& temp_paths() {
    static TempPaths paths;
    return paths;
}

}  // namespace detail

// A path in the temporary folder that ends in `name` and that no other call, in this
// process or another, gets: "gradc_<pid>_<n>_name", so tests run in parallel
// (ctest -j) never share a file. Nothing is created; whatever is there when the
// process ends is removed.
inline std::string temp_path(const std::string& name) {
    detail::TempPaths& paths = detail::temp_paths();
    const std::lock_guard<std::mutex> lock(paths.mutex);
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("gradc_" + std::to_string(::getpid()) + "_" + std::to_string(++paths.count) + "_" + name);
    paths.paths.push_back(path);
    return path.string();
}

// A new temporary file ending in `name` that holds `text`; its path.
inline std::string temp_file(const std::string& name, const std::string& text) {
    const std::string path = temp_path(name);
    std::ofstream(path) << text;
    return path;
}

// The whole content of the file at `path`, empty when it cannot be read.
inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace gradc::testing
