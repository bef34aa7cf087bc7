#pragma once

#include <CLI/CLI.hpp>

#include "cli_common.hpp"

namespace gradc::cli {

struct GradOptions {
    FormulaSource source;
    bool ascii = false;
};

void add_grad_options(CLI::App& app, GradOptions& options);
int run_grad(const GradOptions& options);

}  // namespace gradc::cli
