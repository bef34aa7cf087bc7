#pragma once

#include <CLI/CLI.hpp>

#include "subcommand.hpp"

namespace gradc::cli {

CLI::App* add_jacobian_command(CLI::App& parent, CommandOptions& options);
int run_jacobian(const CommandOptions& options);

}  // namespace gradc::cli
