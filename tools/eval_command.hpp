#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "subcommand.hpp"

namespace gradc::cli {

struct EvalOptions {
    CommandOptions common;  // EXPR, -f, --at, --json, --jit
    std::string data;       // --data FILE: every row of a CSV file instead of one point
};

CLI::App* add_eval_command(CLI::App& parent, EvalOptions& options);
int run_eval(const EvalOptions& options);

}  // namespace gradc::cli
