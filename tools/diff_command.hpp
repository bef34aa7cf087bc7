#pragma once

#include <CLI/CLI.hpp>

#include "subcommand.hpp"

namespace gradc::cli {

struct DiffOptions {
    CommandOptions common;
    int order = 1;
};

CLI::App* add_diff_command(CLI::App& parent, DiffOptions& options);
int run_diff(const DiffOptions& options);

}  // namespace gradc::cli
