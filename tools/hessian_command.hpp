#pragma once

#include <CLI/CLI.hpp>

#include "subcommand.hpp"

namespace gradc::cli {

CLI::App* add_hessian_command(CLI::App& parent, CommandOptions& options);
int run_hessian(const CommandOptions& options);

}  // namespace gradc::cli
