#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/fit.hpp"
#include "gradc/jit.hpp"
#include "gradc/model_file.hpp"
#include "gradc/nn.hpp"

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

// fit's options (and the formula) on `app`: the fit subcommand's, and gradc tune's fixed
// settings.
void add_fit_options(CLI::App* app, FitCommandOptions& options);
CLI::App* add_fit_command(CLI::App& parent, FitCommandOptions& options);

// The mistakes in a formula fit that run_fit() refuses before training: a missing target
// column, a model without parameters, a parameter that looks like a misspelt column
// (unless --param confirms it) and --param naming no parameter. Returns the names.
ModelNames check_formula_fit(const FitCommandOptions& options, const std::string& model, const Dataset& data);

// Refuses a value of fit option `name` that names nothing (an unknown optimizer, loss or
// activation, malformed --mlp sizes), with the choices; other options are not checked.
void check_fit_value(const std::string& name, const std::string& value);

// One fit as `gradc fit` makes it from `options`, of the formula `model` (ignored with
// --mlp) on `data` already read, printing and writing nothing: gradc tune's trials.
// Throws gradc::Error as run_fit() does for options that cannot be used.
struct FitRun {
    std::optional<nn::MlpFitResult> network;
    FitResult formula;  // a formula's fit; unused for a network
    SavedModel model;
    // The loop's result: the network's, or the formula's.
    const FitResult& result() const { return network ? network->fit : formula; }
};
FitRun fit_quietly(const FitCommandOptions& options, const std::string& model, const Dataset& data, Jit& jit,
                   ThreadPool* pool);
// Exit 0 when the run finished, 1 when it diverged or L-BFGS could not go on.
int run_fit(const FitCommandOptions& options);

}  // namespace gradc::cli
