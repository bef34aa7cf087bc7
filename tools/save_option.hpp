// fit's --save FILE, which writes the fitted model (gradc/model_file.hpp).
#pragma once

#include <string>

namespace gradc::cli {

// Refuses, before a fit runs, a FILE that could not be written because its folder is
// missing or it is a folder itself: a long fit is not lost to a mistyped path.
void check_save_path(const std::string& path);

}  // namespace gradc::cli
