#pragma once

#include <CLI/CLI.hpp>

#include "optimizer_options.hpp"
#include "subcommand.hpp"

namespace gradc::cli {

struct MinimizeCommandOptions {
    CommandOptions common;  // EXPR, -f, --json
    std::string from;
    std::string optimizer = "lbfgs";
    double lr = 0.0;  // read only when lr_option was given
    long long max_iterations = 1000;
    double gradient_tolerance = 1e-8;  // --gtol (alias --tol)
    double value_tolerance = 0.0;      // --ftol: read only when ftol_option was given
    OptimizerFlags tuning;  // hyper-parameters, --schedule, --history-size
    std::string history;    // CSV of the value at every iteration
    std::string plot;       // SVG chart of the same
    CLI::Option* from_option = nullptr;
    CLI::Option* lr_option = nullptr;
    CLI::Option* ftol_option = nullptr;
};

CLI::App* add_minimize_command(CLI::App& parent, MinimizeCommandOptions& options);
// Exit 0 when the run converged, 1 when it did not (diverged, hit the iteration limit).
int run_minimize(const MinimizeCommandOptions& options);

}  // namespace gradc::cli
