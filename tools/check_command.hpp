#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

#include "subcommand.hpp"

namespace gradc::cli {

struct CheckOptions {
    CommandOptions common;
    double tolerance = 1e-6;
    int points = 3;
    std::uint64_t seed = 1;
};

CLI::App* add_check_command(CLI::App& parent, CheckOptions& options);
// Exit 0 when every partial agrees with finite differences, 1 when one does not.
int run_check(const CheckOptions& options);

}  // namespace gradc::cli
