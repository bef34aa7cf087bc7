// Fitting a model to data: a formula in parameters and data columns, a loss on its
// output, and an optimizer from optimize.hpp run over epochs of (mini-)batches on one
// compiled batch kernel. docs/training.md explains the conventions for users.
//
// - Names: a name of the model that matches a column of the dataset is data; every
//   other name is a parameter. The target column may not appear in the model.
// - Losses, on the prediction p and target y of each row, averaged over the rows:
//     mse    (p − y)²                      no ½, as Keras' and PyTorch's MSE
//     mae    |p − y|
//     huber  ½(p − y)² when |p − y| < 1, else |p − y| − ½   (PyTorch's HuberLoss, delta 1)
//     bce    softplus(p) − y·p: binary cross-entropy where the model's output p is a
//            logit (the probability is sigmoid(p)), in a form that never overflows
//            (PyTorch's BCEWithLogitsLoss)
//   or a formula in `p` and `y` alone, as "(p - y)^4".
//     xent   softmax cross-entropy of a classifier with one output (logit) per class
//            and an integer class target: nets only (gradc/nn.hpp, fit_mlp)
// - Regularization is added to the mean loss: l2·Σθ² + l1·Σ|θ| over every parameter
//   (intercepts too), with |θ|'s derivative 0 at θ = 0.
// - Each step's gradient is the mean over its batch (plus the regularization's): a batch
//   of B rows gives the same step as one row repeated B times. Epoch k (k = 1, 2, ...)
//   visits the training rows in epoch_order(rows, shuffle, seed + k) in batches of
//   batch_size rows, the last one partial; batch_size 0 is the full batch. Unset, it is
//   the full batch, except for networks trained by a first-order optimizer (nn.hpp),
//   which take kNetworkBatchSize rows (Keras's default): a full batch would make each
//   epoch one small step.
// - The loss of an epoch is the mean training loss (with regularization) at the
//   parameters the epoch ended with; the validation loss is the same on the validation
//   rows, without regularization (as Keras reports it).
// - L-BFGS runs on the full batch through minimize(): one epoch is one iteration, and
//   the history holds the final losses only; validation does not stop it early.
// - Every value the model reads (its data columns and the target) must be finite: a NaN
//   or infinity is refused with the file, line and column where it stands, or its row
//   is skipped with drop_nonfinite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/expr.hpp"
#include "gradc/jit.hpp"
#include "gradc/optimize.hpp"
#include "gradc/parse.hpp"

namespace gradc {

class ThreadPool;

// Which names of a model are data columns and which are parameters, each in order of
// first appearance in the formula. A name the result does not depend on (one only in
// a binding the result does not use) is neither.
struct ModelNames {
    std::vector<std::string> data;
    std::vector<std::string> params;
};
// Throws ParseError for a malformed formula and gradc::Error for one with several results.
ModelNames model_names(std::string_view model, std::span<const std::string> columns, const ParseLimits& limits = {});
// The same for a model built in a context: its variables in the order the context
// created them, which for a parsed formula is the order of first appearance.
ModelNames model_names(std::span<const Expr> model, std::span<const std::string> columns);

// A parameter that looks like a misspelt column: `param` has four or more letters and
// is within edit distance 2 of `column` (insertions, deletions, substitutions and
// swaps of neighbours each count 1).
struct Lookalike {
    std::string param;
    std::string column;
};
std::vector<Lookalike> lookalike_columns(std::span<const std::string> params, std::span<const std::string> columns);

// The batch size of a network trained by a first-order optimizer when none is given.
inline constexpr std::size_t kNetworkBatchSize = 32;

enum class LossKind { Mse, Mae, Huber, Bce, CrossEntropy, Formula };

struct Loss {
    LossKind kind = LossKind::Mse;
    std::string formula{};  // LossKind::Formula: the per-row loss in p and y

    // "mse", "mae", "huber", "bce", "xent", or else a formula in p and y (read by row_loss()).
    static Loss named(std::string_view text);
};

// The per-row loss of `prediction` against `target`, built in `ctx`. Throws ParseError
// for a malformed formula, gradc::Error for one that uses a name other than p and y,
// and gradc::Error for xent, which needs one output per class (nn::softmax_cross_entropy).
Expr row_loss(ExprContext& ctx, const Loss& loss, Expr prediction, Expr target);

enum class FitStop {
    MaxEpochs,      // ran every epoch
    Tolerance,      // the epoch's training loss stopped changing (or L-BFGS converged)
    EarlyStopping,  // the validation loss stopped improving for `patience` epochs
    Diverged,       // NaN, infinity or an exploding loss: the learning rate is too large
    Failed,         // L-BFGS could not go on (a line search found no lower point)
};

struct EpochLoss {
    // The training loss: for a full-batch epoch the mean at the parameters it ended
    // with; for mini-batches the mean of the batches' losses as they were taken (as
    // Keras reports it), or with FitOptions::exact_epoch_loss the former.
    double loss = 0.0;
    double val_loss = std::numeric_limits<double>::quiet_NaN();  // NaN without validation
};

struct FitOptions {
    std::string target;  // the column to predict
    Loss loss{};
    Method method = Method::Lbfgs;
    std::optional<double> learning_rate{};  // unset: the method's default
    std::size_t epochs = 100;
    std::optional<std::size_t> batch_size{};  // 0: the full batch; unset: see the top of this file
    bool shuffle = true;
    std::uint64_t seed = 0;
    double validation = 0.0;  // the fraction of rows held out (split_rows with `seed`)
    std::size_t patience = 0;  // > 0 with validation: early stopping, best parameters restored
    // Mini-batches: report each epoch's loss at the parameters it ended with, at the
    // cost of one more pass over the rows per epoch (see EpochLoss).
    bool exact_epoch_loss = false;
    // Stop when an epoch changes the training loss by at most this relative to it
    // (L-BFGS: MinimizeOptions::value_tolerance, whose default applies when unset).
    std::optional<double> tolerance{};
    // L-BFGS: converged when every partial derivative of the loss is within this of 0.
    double gradient_tolerance = MinimizeOptions{}.gradient_tolerance;
    // Skip the rows with a NaN or infinity in a column the model reads, instead of
    // refusing the data (FitResult::dropped_rows counts them).
    bool drop_nonfinite = false;
    double l1 = 0.0;
    double l2 = 0.0;
    // Standardize the model's data columns (not the target), fitted on the training rows.
    bool standardize = false;
    // Starting values by name; the others start at 0.
    std::vector<std::pair<std::string, double>> initial{};
    // The loss may rise to divergence_ratio·max(1, initial loss) before the run stops.
    double divergence_ratio = 1e10;
    // Called after every epoch, and with L-BFGS after every iteration (for progress on
    // a terminal, or a plot of the losses).
    std::function<void(std::size_t epoch, const EpochLoss& loss)> on_epoch{};
    // The caller's first-order optimizer, with its own hyper-parameters and schedule,
    // instead of make_optimizer(method, learning_rate); fit() resets it first. method
    // must then be a first-order one.
    Optimizer* optimizer = nullptr;
    std::size_t lbfgs_history = MinimizeOptions{}.history;  // L-BFGS: pairs (s, y) kept
    // Limits on the model: its formula's length and nesting, and the most nodes the
    // model, its loss and their gradient may take (ExprContext::set_max_nodes).
    ParseLimits parse_limits{};
    std::size_t max_nodes = ExprContext::kDefaultMaxNodes;
    Jit* jit = nullptr;          // null: a session of its own
    ThreadPool* pool = nullptr;  // null: the caller's thread
};

struct FitResult {
    std::string model;
    ModelNames names;
    std::vector<double> params;  // in names.params order
    double loss = 0.0;           // mean training loss at params, with regularization
    double val_loss = std::numeric_limits<double>::quiet_NaN();
    std::size_t epochs = 0;      // epochs run (L-BFGS: iterations)
    std::size_t dropped_rows = 0;  // rows skipped for a non-finite value (drop_nonfinite)
    std::vector<EpochLoss> history;
    FitStop stop = FitStop::MaxEpochs;
    std::string message;  // why the run stopped; for Diverged, what to try
    // Applied to names.data (indices into it) before predicting, when standardize was on.
    std::optional<Standardization> standardization;

    // The fitted value of parameter `name`; gradc::Error when there is none.
    double param(std::string_view name) const;
};

// Fits `model` to `data`. Throws gradc::Error (or ParseError, DataError) for a model,
// target or option that cannot be used; a run that diverges returns with stop Diverged
// and the last parameters whose loss was finite and not exploding. Parses the formula
// into a context limited by options.parse_limits and options.max_nodes, then fits the
// expression (below); FitResult::model is the text as given.
FitResult fit(std::string_view model, const Dataset& data, const FitOptions& options);

// Fits a model built in `ctx`, as a program builds it with ExprContext's factory:
//
//     ExprContext ctx;
//     const Expr x = ctx.variable("x"), w = ctx.variable("w"), b = ctx.variable("b");
//     FitResult r = fit(ctx, ctx.add(ctx.mul(w, x), b), data, {.target = "y"});
//
// Names are resolved as model_names(std::span<const Expr>, ...) does. The loss and its
// gradient are built in `ctx`, under its own node limit (options.parse_limits and
// max_nodes are the string form's). FitResult::model is the model printed by to_infix(),
// which predict() reads back.
FitResult fit(ExprContext& ctx, Expr model, const Dataset& data, const FitOptions& options);

// Fits a classifier built in `ctx`: logits[j] is the logit of the class whose target
// value is classes[j], the loss is softmax cross-entropy (options.loss must be xent;
// nn::softmax_cross_entropy), and every target value must be one of the classes.
// FitResult::model lists the logits, separated by commas; predict() reads one result
// only (nn.hpp predicts a network's classes).
FitResult fit(ExprContext& ctx, std::span<const Expr> logits, std::span<const double> classes, const Dataset& data,
              const FitOptions& options);

// The rows fit() (and nn::fit_mlp()) with `options` hold out of a dataset of `rows`
// rows, and the rows each epoch visits, in order, as row numbers of that dataset (0:
// its first row). With them a run elsewhere takes the same steps on the same batches:
// epoch k's batches are epochs[k - 1] cut into runs of options.batch_size rows, the
// last one partial. A full-batch epoch (batch size unset, 0 or at least the training
// rows, and L-BFGS) reads the training rows as they lie, in the split's order:
// epochs[k - 1] is then that order, which changes the rounding of its sums but not its
// steps. For a network, set the batch size fit_mlp() would take (kNetworkBatchSize
// with a first-order method); with drop_nonfinite, `rows` and the row numbers are
// those of the rows kept. Computed from the conventions above (split_row_numbers,
// epoch_order), not by a run.
struct FitRowOrder {
    std::vector<std::size_t> validation;            // held out; empty without validation
    std::vector<std::vector<std::size_t>> epochs;  // options.epochs lists, one per epoch
};
FitRowOrder fit_row_order(std::size_t rows, const FitOptions& options);

// The fitted model's output at every row of `data` (which needs the model's data
// columns), standardized as in the fit.
std::vector<double> predict(const FitResult& result, const Dataset& data, Jit* jit = nullptr);

}  // namespace gradc
