#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>

#include "json.hpp"
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
// The last line of a check (or its JSON, with each result's `partials`), shared by
// formulas and tensor programs; the exit code run_check returns.
int check_summary(const CheckOptions& options, double largest, std::size_t points, JsonArray partials);

}  // namespace gradc::cli
