// Small neural networks as gradc expressions: dense layers whose weights and biases
// are named parameters, activations, initializers, and the per-row losses of a
// classifier or a regression net. A network is an ordinary per-row formula, so the
// symbolic reverse sweep is its backpropagation and compile_batch() compiles the loss
// and every weight's gradient into one kernel. docs/training.md explains it for users.
//
// - Names: layer l (1, 2, ...) of a network has weights l<l>_w_<j>_<i> (unit j, input i)
//   and biases l<l>_b_<j>, 0-based; parameters are listed layer by layer, each layer's
//   weights row by row (unit j's inputs in order), then its biases.
// - A dense unit is act(b_j + Σ_i w_ji·x_i), the sum taken left to right.
// - Initializers draw weights from std::mt19937_64(seed) with this file's own uniform
//   and normal transforms (not <random>'s distributions), so a seed gives the same
//   numbers with every standard library; biases start at 0.
//     glorot  uniform on ±sqrt(6 / (fan_in + fan_out))   (Keras' default)
//     he      normal with standard deviation sqrt(2 / fan_in), untruncated (PyTorch's
//             kaiming_normal_), the usual choice before relu
// - Softmax cross-entropy of logits z and an integer class target y, per row:
//     logsumexp(z) − z_y,  logsumexp(z) = m + log Σ_j exp(z_j − m),  m = max_j z_j,
//   so no exp overflows; z_y is Σ_j where(y == class_j, z_j, 0), one formula for every
//   row. max's tie convention (half the gradient to each side) cancels in logsumexp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/expr.hpp"
#include "gradc/fit.hpp"
#include "gradc/jit.hpp"

namespace gradc::nn {

enum class Activation { Identity, Tanh, Relu, Sigmoid, Softplus };
enum class Init { Glorot, He };

// "identity", "tanh", "relu", "sigmoid", "softplus"; gradc::Error names the choices.
Activation activation_named(std::string_view name);
std::string_view activation_name(Activation a) noexcept;
// "glorot", "he".
Init init_named(std::string_view name);

// act(x) as an expression.
Expr activate(ExprContext& ctx, Activation a, Expr x);

// One dense layer over `inputs`: `units` outputs act(b_j + Σ_i w_ji·x_i), with the
// parameters named <prefix>_w_<j>_<i> and <prefix>_b_<j> appended to `params`.
std::vector<Expr> dense(ExprContext& ctx, std::span<const Expr> inputs, std::size_t units, Activation a,
                        std::string_view prefix, std::vector<Expr>& params);

// A multi-layer perceptron: `hidden` layers with `activation`, then an output layer of
// `outputs` units with no activation (logits, or a regression's values).
struct Mlp {
    std::size_t inputs = 0;
    std::vector<std::size_t> hidden;
    std::size_t outputs = 1;
    Activation activation = Activation::Tanh;

    // Layer widths from input to output, as in "64-32-10".
    std::vector<std::size_t> widths() const;
    std::size_t param_count() const;
    std::string describe() const;  // "64-32-10 relu"
};

struct Network {
    std::vector<Expr> outputs;
    std::vector<Expr> params;  // variables, in the order described at the top
};
// The network over `inputs` (inputs.size() must be spec.inputs).
Network build(ExprContext& ctx, const Mlp& spec, std::span<const Expr> inputs);

// Starting values for build()'s parameters: weights from `init`, biases 0.
std::vector<double> initial_params(const Mlp& spec, Init init, std::uint64_t seed);
// He for relu hidden layers, Glorot otherwise.
Init default_init(Activation a) noexcept;

// m + log Σ exp(z_j − m) with m = max_j z_j.
Expr logsumexp(ExprContext& ctx, std::span<const Expr> z);
// exp(z_j − logsumexp(z)) for each j.
std::vector<Expr> softmax(ExprContext& ctx, std::span<const Expr> z);
// logsumexp(z) − z_y where y == classes[j] selects z_j (see the top of this header).
Expr softmax_cross_entropy(ExprContext& ctx, std::span<const Expr> z, Expr y, std::span<const double> classes);
// Σ_j (p_j − y_j)², the per-row squared error of a regression net.
Expr squared_error(ExprContext& ctx, std::span<const Expr> p, std::span<const Expr> y);

// ---- Fitting an MLP to CSV columns with fit.hpp's loop ----

// FitOptions::loss picks the task: LossKind::CrossEntropy makes a classifier with one
// output per distinct value of the target (integers); any other loss a regression net
// with one output and that loss. All columns but the target are inputs unless `inputs`
// names them.
struct MlpOptions {
    std::vector<std::size_t> hidden;
    Activation activation = Activation::Relu;
    std::optional<Init> init{};  // unset: default_init(activation)
    std::vector<std::string> inputs{};  // empty: every column but the target
};

struct MlpModel {
    Mlp spec;
    std::vector<std::string> inputs;   // the data columns, in the network's input order
    std::vector<double> classes;       // a classifier's target values, sorted; empty for regression
    std::vector<double> params;        // in build()'s order
    std::optional<Standardization> standardization;  // over `inputs` by position
};

struct MlpFitResult {
    MlpModel model;
    FitResult fit;  // the loop's result: losses, epochs, history, stop (params as model.params)
    // Fraction of rows whose argmax class is the target (classifiers; NaN otherwise).
    double accuracy = 0.0;
    double val_accuracy = 0.0;  // NaN without validation rows
    std::size_t kernel_nodes = 0;  // DAG nodes of the loss and gradient that were compiled
};

MlpFitResult fit_mlp(const Dataset& data, const MlpOptions& mlp, const FitOptions& options);

// The network's outputs at every row: out[k][r] (logits for a classifier).
std::vector<std::vector<double>> predict_outputs(const MlpModel& model, const Dataset& data, Jit* jit = nullptr);
// A classifier's softmax probabilities, prob[k][r] for classes[k].
std::vector<std::vector<double>> predict_probabilities(const MlpModel& model, const Dataset& data, Jit* jit = nullptr);
// A classifier's most probable class per row (the first on a tie).
std::vector<double> predict_classes(const MlpModel& model, const Dataset& data, Jit* jit = nullptr);
// The fraction of rows of `data` (which has the target column `target`) classified right.
double accuracy(const MlpModel& model, const Dataset& data, std::string_view target, Jit* jit = nullptr);

}  // namespace gradc::nn
