// fit(): a model's names resolved against the data, the rows split and standardized,
// the per-row loss compiled into one batch kernel, then the epochs (fit_loop.cpp). The
// string form parses its formula and fits the expression; fit_mlp() fits a network's.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fit_loop.hpp"
#include "fit_objective.hpp"
#include "gradc/error.hpp"
#include "gradc/fit.hpp"
#include "gradc/nn.hpp"
#include "gradc/parse.hpp"
#include "gradc/print.hpp"
#include "support/joined.hpp"
#include "support/short_number.hpp"

namespace gradc {
namespace {

using support::joined;

// The starting parameters: zeros, with `initial` given by name (the last of a name
// given twice). A network gives every one of its thousands, hence the index.
std::vector<double> starting_params(const ModelNames& names, const FitOptions& options) {
    std::unordered_map<std::string_view, std::size_t> index;
    for (std::size_t i = 0; i < names.params.size(); ++i) index.emplace(names.params[i], i);
    std::vector<double> params(names.params.size(), 0.0);
    for (const auto& [name, value] : options.initial) {
        const auto at = index.find(name);
        if (at == index.end())
            throw Error("'" + name + "' has a starting value but is not a parameter of the model; its parameters are " +
                        joined(names.params));
        params[at->second] = value;
    }
    return params;
}

// Refuses a row whose target is none of a classifier's classes: softmax cross-entropy
// would pick no logit for it and train on a meaningless loss.
void check_classes(const Dataset& rows, std::size_t target, std::span<const double> classes, const std::string& name) {
    for (const double y : rows.columns[target])
        if (std::find(classes.begin(), classes.end(), y) == classes.end())
            throw Error("the target '" + name + "' holds " + support::short_number(y) +
                        ", which is none of the classifier's classes: list every value the column holds");
}

// Both expression forms: one output with options.loss, or a classifier's logits (one
// per class of `classes`) with softmax cross-entropy.
FitResult fit_outputs(ExprContext& ctx, std::span<const Expr> outputs, std::span<const double> classes,
                      const Dataset& data, const FitOptions& options) {
    train::check_fit_options(options);
    FitResult result;
    result.model = to_infix(outputs);
    result.names = model_names(outputs, data.names);
    const ModelNames& names = result.names;
    if (data.find(options.target) == Dataset::npos)
        throw Error("there is no column '" + options.target + "' to predict; the columns are " + joined(data.names));
    if (std::find(names.data.begin(), names.data.end(), options.target) != names.data.end())
        throw Error("the model uses the target column '" + options.target +
                    "': a model predicts the target from the other columns");
    if (names.params.empty())
        throw Error("the model has no parameters to fit: every name in it is a column of the data (" +
                    joined(names.data) + ")");
    result.params = starting_params(names, options);

    std::vector<std::size_t> columns;  // the kernel's columns: the model's data, then the target
    for (const std::string& name : names.data) columns.push_back(data.find(name));
    columns.push_back(data.find(options.target));
    Dataset rows = finite_rows(data, columns, options.drop_nonfinite, result.dropped_rows);
    if (!classes.empty()) check_classes(rows, columns.back(), classes, options.target);
    columns.pop_back();  // the target joins the kernel's columns after standardization

    Split split =
        options.validation > 0 ? split_rows(rows, options.validation, options.seed) : Split{std::move(rows), {}};
    if (options.standardize) {
        Standardization s = fit_standardization(split.train, columns);
        s.apply(split.train);
        if (split.validation.rows() > 0) s.apply(split.validation);
        // Stored by position in names.data, so predictions can find the columns in any dataset.
        for (std::size_t k = 0; k < s.columns.size(); ++k) s.columns[k] = k;
        result.standardization = std::move(s);
    }
    columns.push_back(data.find(options.target));

    std::vector<Expr> param_vars, column_vars;
    for (const std::string& name : names.params) param_vars.push_back(ctx.variable(name));
    for (const std::string& name : names.data) column_vars.push_back(ctx.variable(name));
    const Expr target = ctx.variable(options.target);
    column_vars.push_back(target);
    const Expr loss = classes.empty() ? row_loss(ctx, options.loss, outputs[0], target)
                                      : nn::softmax_cross_entropy(ctx, outputs, target, classes);

    std::unique_ptr<Jit> own_jit;
    Jit* jit = options.jit;
    if (jit == nullptr) jit = (own_jit = std::make_unique<Jit>()).get();
    const BatchKernel kernel = compile_batch(*jit, ctx, loss, param_vars, column_vars);

    train::run_fit(result, kernel, split, columns, options);
    return result;
}

}  // namespace

void train::check_fit_options(const FitOptions& o) {
    if (!(o.l1 >= 0) || !(o.l2 >= 0)) throw Error("the l1 and l2 penalties must be 0 or more, as in 1e-4");
    if (o.tolerance && !(*o.tolerance >= 0)) throw Error("the tolerance must be 0 or more, as in 1e-6");
    if (o.learning_rate && !(*o.learning_rate > 0 && std::isfinite(*o.learning_rate)))
        throw Error("the learning rate must be a positive number, as in 0.01");
    if (!(o.gradient_tolerance >= 0)) throw Error("the gradient tolerance must be 0 or more, as in 1e-8");
    if (o.method == Method::Lbfgs && o.batch_size.value_or(0) > 0)
        throw Error(
            "L-BFGS takes the full batch: leave out the batch size, or choose a first-order optimizer such as "
            "adam");
    if (!(o.divergence_ratio > 0)) throw Error("the divergence ratio must be a positive number, as in 1e10");
    if (o.optimizer && o.method == Method::Lbfgs)
        throw Error("a caller's optimizer is first-order: set the method to the one it is, such as Method::Adam");
}

double FitResult::param(std::string_view name) const {
    const auto at = std::find(names.params.begin(), names.params.end(), name);
    if (at == names.params.end())
        throw Error("'" + std::string(name) + "' is not a parameter of the model; its parameters are " +
                    joined(names.params));
    return params[static_cast<std::size_t>(at - names.params.begin())];
}

FitResult fit(ExprContext& ctx, Expr model, const Dataset& data, const FitOptions& options) {
    return fit_outputs(ctx, std::span<const Expr>(&model, 1), {}, data, options);
}

FitResult fit(ExprContext& ctx, std::span<const Expr> logits, std::span<const double> classes, const Dataset& data,
              const FitOptions& options) {
    if (options.loss.kind != LossKind::CrossEntropy)
        throw Error(
            "a classifier's logits are trained with the xent loss: set FitOptions::loss to Loss::named(\"xent\")");
    if (logits.size() < 2 || logits.size() != classes.size())
        throw Error("a classifier needs one logit per class and at least two classes; it has " +
                    std::to_string(logits.size()) + " logits for " + std::to_string(classes.size()) + " classes");
    return fit_outputs(ctx, logits, classes, data, options);
}

FitResult fit(std::string_view model, const Dataset& data, const FitOptions& options) {
    train::check_fit_options(options);
    ExprContext ctx;
    ctx.set_max_nodes(options.max_nodes);
    const Program program = parse(ctx, model, options.parse_limits);
    if (program.outputs.size() != 1)
        throw Error("a model has one result; this one has " + std::to_string(program.outputs.size()));
    FitResult result = fit(ctx, program.outputs[0], data, options);
    result.model = std::string(model);  // the user's own text, bindings and all
    return result;
}

FitRowOrder fit_row_order(std::size_t rows, const FitOptions& options) {
    // Without validation fit() keeps the rows as they are, unshuffled.
    SplitRows split = options.validation > 0 ? split_row_numbers(rows, options.validation, options.seed)
                                             : SplitRows{epoch_order(rows, false, 0), {}};
    FitRowOrder order;
    order.validation = std::move(split.validation);
    const std::vector<std::size_t>& train = split.train;
    const std::size_t batch = options.batch_size.value_or(0);
    const bool full_batch = options.method == Method::Lbfgs || batch == 0 || batch >= train.size();
    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        if (full_batch) {
            order.epochs.push_back(train);
            continue;
        }
        std::vector<std::size_t> rows_of_epoch;
        rows_of_epoch.reserve(train.size());
        for (std::size_t k : epoch_order(train.size(), options.shuffle, options.seed + epoch))
            rows_of_epoch.push_back(train[k]);
        order.epochs.push_back(std::move(rows_of_epoch));
    }
    return order;
}

std::vector<double> predict(const FitResult& result, const Dataset& data, Jit* jit) {
    const std::vector<std::string>& names = result.names.data;
    Dataset inputs;
    for (const std::string& name : names) {
        inputs.names.push_back(name);
        inputs.columns.push_back(data.column(name));
    }
    if (result.standardization) result.standardization->apply(inputs);

    ExprContext ctx;
    const Expr prediction = parse_expr(ctx, result.model);
    std::vector<Expr> param_vars, column_vars;
    for (const std::string& name : result.names.params) param_vars.push_back(ctx.variable(name));
    for (const std::string& name : names) column_vars.push_back(ctx.variable(name));
    std::unique_ptr<Jit> own_jit;
    if (jit == nullptr) jit = (own_jit = std::make_unique<Jit>()).get();
    const MapKernel kernel = jit->compile_map(std::span<const Expr>(&prediction, 1), param_vars, column_vars);

    const std::size_t rows = data.rows();
    std::vector<double> out(rows);
    std::vector<const double*> pointers;
    for (const auto& column : inputs.columns) pointers.push_back(column.data());
    double* const outputs[1] = {out.data()};
    kernel(result.params, pointers, rows, outputs);
    return out;
}

}  // namespace gradc
