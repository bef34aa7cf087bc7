#pragma once

#include <CLI/CLI.hpp>

#include "subcommand.hpp"

namespace gradc::cli {

// `gradc EXPR` takes the formula options only; `gradc grad` adds --wrt, --at, --json.
void add_grad_options(CLI::App& app, CommandOptions& options);
CLI::App* add_grad_command(CLI::App& parent, CommandOptions& options);
int run_grad(const CommandOptions& options);

}  // namespace gradc::cli
