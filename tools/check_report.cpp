// The last line of `gradc check`, for formulas (check_command.cpp, in gradc-llvm) and
// tensor programs (tensor_check.cpp, in both executables).
#include <iostream>
#include <utility>

#include "check_command.hpp"
#include "cli_common.hpp"
#include "json.hpp"

namespace gradc::cli {

int check_summary(const CheckOptions& options, double largest, std::size_t points, JsonArray partials) {
    const bool ok = largest <= options.tolerance;
    if (options.common.json) {
        print_json(JsonObject{{"ok", Json(ok)},
                              {"max_rel_error", largest},
                              {"tolerance", options.tolerance},
                              {"points", static_cast<double>(points)},
                              {"partials", one_or_array(std::move(partials))}});
    } else {
        std::cout << (ok ? "ok" : "FAILED") << ": largest error " << number_text(largest) << (ok ? " <= " : " > ")
                  << "tolerance " << number_text(options.tolerance) << '\n';
    }
    return ok ? kExitOk : kExitCheckFailed;
}

}  // namespace gradc::cli
