#pragma once

#include <CLI/CLI.hpp>

#include "subcommand.hpp"

namespace gradc::cli {

CLI::App* add_eval_command(CLI::App& parent, CommandOptions& options);
int run_eval(const CommandOptions& options);

}  // namespace gradc::cli
