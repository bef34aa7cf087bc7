#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "optimizer_options.hpp"
#include "subcommand.hpp"

namespace gradc::cli {

struct FitCommandOptions {
    CommandOptions common;  // EXPR, -f, --json
    std::string data;
    std::string target;
    std::string loss = "mse";
    std::string optimizer = "lbfgs";
    double lr = 0.0;  // read only when lr_option was given
    long long epochs = 100;
    long long batch_size = 0;  // read only when batch_option was given
    bool no_shuffle = false;
    bool exact_loss = false;
    long long seed = 0;
    double validation = 0.0;
    long long patience = 0;
    double l1 = 0.0;
    double l2 = 0.0;
    double tolerance = 0.0;  // --ftol (alias --tol): read only when tol_option was given
    double gradient_tolerance = 0.0;  // --gtol: read only when gtol_option was given
    bool drop_nonfinite = false;
    bool standardize = false;
    std::vector<std::string> params;  // --param NAME or NAME=START
    std::string history;
    std::string row_order;  // --row-order FILE: the split and every epoch's rows, as JSON
    std::string plot;       // --plot FILE: an SVG chart of the losses by epoch
    OptimizerFlags tuning;  // hyper-parameters, --schedule, --history-size
    std::string save;  // --save FILE: the fitted model, for gradc predict
    std::string mlp;  // hidden layer sizes, "32" or "64,32": fit a network instead of EXPR
    std::string activation = "relu";
    CLI::Option* lr_option = nullptr;
    CLI::Option* tol_option = nullptr;
    CLI::Option* gtol_option = nullptr;
    CLI::Option* batch_option = nullptr;
};

CLI::App* add_fit_command(CLI::App& parent, FitCommandOptions& options);
// Exit 0 when the run finished, 1 when it diverged or L-BFGS could not go on.
int run_fit(const FitCommandOptions& options);

}  // namespace gradc::cli
