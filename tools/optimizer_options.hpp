// The optimizer options fit and minimize share: each update rule's hyper-parameters
// (docs/optimizers.md), a learning-rate schedule and L-BFGS's history, each refused
// for an optimizer that does not use it.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "gradc/optimize.hpp"

namespace gradc::cli {

// The values as given on the command line; app->count(name) says which were.
struct OptimizerFlags {
    double momentum = 0.0;
    bool nesterov = false;
    double weight_decay = 0.0;
    std::string betas;  // "B1,B2"
    double eps = 0.0;
    double alpha = 0.0;
    std::string schedule;  // step:STEP_SIZE[:GAMMA], exp:GAMMA or cosine:T_MAX[:ETA_MIN]
    long long history_size = 0;
    const CLI::App* app = nullptr;
};

// Adds --momentum, --nesterov, --weight-decay, --betas, --eps, --alpha, --schedule and
// --history-size to `app`, in a group of their own in its help.
void add_optimizer_options(CLI::App& app, OptimizerFlags& flags);

// The optimizer a run uses.
struct OptimizerChoice {
    Method method = Method::Lbfgs;
    std::optional<double> learning_rate;   // --lr, when given
    std::unique_ptr<Optimizer> optimizer;  // first-order methods, hyper-parameters set; null for lbfgs
    std::size_t lbfgs_history = MinimizeOptions{}.history;
};

// `method` with the learning rate `learning_rate` (its default when unset) and the
// flags over its defaults. Throws gradc::Error naming the option for a flag the method
// does not use or a value out of range.
OptimizerChoice choose_optimizer(Method method, std::optional<double> learning_rate, const OptimizerFlags& flags);

}  // namespace gradc::cli
