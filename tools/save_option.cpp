#include "save_option.hpp"

#include <filesystem>

#include "gradc/error.hpp"

namespace gradc::cli {

void check_save_path(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path file(path);
    const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
    if (!fs::is_directory(folder, ec))
        throw Error("--save " + path + ": there is no folder '" + folder.string() + "' to write the model to");
    if (fs::is_directory(file, ec))
        throw Error("--save " + path + ": that is a folder; name a file, as in --save model.json");
}

}  // namespace gradc::cli
