// fit_mlp(): a network built as expressions and trained by fit() on them, a classifier's
// logits with softmax cross-entropy; predictions through a map kernel of its outputs.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "fit_loop.hpp"  // check_fit_options: a bad option is refused before the data is read
#include "gradc/error.hpp"
#include "gradc/nn.hpp"
#include "support/short_number.hpp"

namespace gradc::nn {
namespace {

// The distinct target values, sorted; each must be an integer.
std::vector<double> class_values(const std::vector<double>& target, const std::string& name) {
    std::vector<double> classes;
    for (const double y : target) {
        if (!std::isfinite(y) || y != std::floor(y))
            throw Error("the xent loss needs integer classes in '" + name + "', but it holds " +
                        support::short_number(y) + ": use a column of class numbers such as 0, 1, 2");
        classes.push_back(y);
    }
    std::sort(classes.begin(), classes.end());
    classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    if (classes.size() < 2)
        throw Error("the xent loss needs at least two classes in '" + name + "'; it holds one value only");
    return classes;
}

// The model's input columns of `data`, standardized as in the fit, in input order.
Dataset prepared_inputs(const MlpModel& model, const Dataset& data) {
    Dataset inputs;
    for (const std::string& name : model.inputs) {
        inputs.names.push_back(name);
        inputs.columns.push_back(data.column(name));
    }
    if (model.standardization) model.standardization->apply(inputs);
    return inputs;
}

// out[k][r]: `values` (functions of the network's inputs and parameters) at every row.
std::vector<std::vector<double>> evaluate(const MlpModel& model, const Dataset& inputs, bool probabilities, Jit* jit,
                                          ThreadPool* pool = nullptr) {
    ExprContext ctx;
    std::vector<Expr> columns;
    for (const std::string& name : model.inputs) columns.push_back(ctx.variable(name));
    const Network net = build(ctx, model.spec, columns);
    const std::vector<Expr> values = probabilities ? softmax(ctx, net.outputs) : net.outputs;
    std::unique_ptr<Jit> own_jit;
    if (jit == nullptr) jit = (own_jit = std::make_unique<Jit>()).get();
    const MapKernel kernel = jit->compile_map(values, net.params, columns);

    const std::size_t rows = inputs.rows();
    std::vector<std::vector<double>> out(values.size(), std::vector<double>(rows));
    std::vector<double*> outputs;
    for (auto& column : out) outputs.push_back(column.data());
    std::vector<const double*> pointers;
    for (const auto& column : inputs.columns) pointers.push_back(column.data());
    kernel(model.params, pointers, rows, outputs, pool);
    return out;
}

// Index of the largest of logits[.][r]; the first on a tie, and NaN never wins.
std::size_t argmax(const std::vector<std::vector<double>>& logits, std::size_t r) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < logits.size(); ++k)
        if (logits[k][r] > logits[best][r]) best = k;
    return best;
}

double fraction_right(const std::vector<std::vector<double>>& logits, const std::vector<double>& classes,
                      const std::vector<double>& target) {
    if (target.empty()) return std::nan("");
    std::size_t right = 0;
    for (std::size_t r = 0; r < target.size(); ++r) right += classes[argmax(logits, r)] == target[r] ? 1 : 0;
    return static_cast<double>(right) / static_cast<double>(target.size());
}

std::vector<std::string> input_columns(const Dataset& data, const MlpOptions& mlp, const std::string& target) {
    if (mlp.inputs.empty()) {
        std::vector<std::string> inputs;
        for (const std::string& name : data.names)
            if (name != target) inputs.push_back(name);
        if (inputs.empty()) throw Error("the data has no column besides the target '" + target + "' to learn from");
        return inputs;
    }
    for (const std::string& name : mlp.inputs) {
        if (data.find(name) == Dataset::npos) throw Error("there is no input column '" + name + "' in the data");
        if (name == target) throw Error("the target '" + target + "' cannot also be an input of the network");
    }
    return mlp.inputs;
}

}  // namespace

MlpFitResult fit_mlp(const Dataset& data, const MlpOptions& mlp, const FitOptions& given) {
    train::check_fit_options(given);
    FitOptions options = given;
    if (!options.batch_size && options.method != Method::Lbfgs) options.batch_size = kNetworkBatchSize;
    const std::size_t target_column = data.find(options.target);
    if (target_column == Dataset::npos) throw Error("there is no column '" + options.target + "' to predict");
    const bool classifier = options.loss.kind == LossKind::CrossEntropy;

    MlpFitResult out;
    MlpModel& model = out.model;
    model.inputs = input_columns(data, mlp, options.target);
    std::vector<std::size_t> columns;  // the network's columns: the inputs, then the target
    for (const std::string& name : model.inputs) columns.push_back(data.find(name));
    columns.push_back(target_column);
    std::size_t dropped = 0;
    // The classes are those of the rows kept, so the rows are chosen here, once.
    Dataset rows = finite_rows(data, columns, options.drop_nonfinite, dropped);
    if (classifier) model.classes = class_values(rows.columns[target_column], options.target);
    model.spec = Mlp{model.inputs.size(), mlp.hidden, classifier ? model.classes.size() : 1, mlp.activation};
    // Only the network's columns, moved: another column named like a parameter must not
    // turn that parameter into data.
    Dataset net_data;
    for (const std::size_t j : columns) {
        net_data.names.push_back(rows.names[j]);
        net_data.columns.push_back(std::move(rows.columns[j]));
    }

    ExprContext ctx;
    ctx.set_max_nodes(options.max_nodes);
    std::vector<Expr> column_vars;
    for (const std::string& name : model.inputs) column_vars.push_back(ctx.variable(name));
    column_vars.push_back(ctx.variable(options.target));
    const Network net = build(ctx, model.spec, std::span(column_vars).first(model.inputs.size()));
    for (const Expr p : net.params)
        if (std::find(column_vars.begin(), column_vars.end(), p) != column_vars.end())
            throw Error("the column '" + std::string(p->name()) +
                        "' has the name of a network parameter: rename the column");

    // The initializer's draws, then the caller's starting values over them by name.
    const std::vector<double> drawn =
        initial_params(model.spec, mlp.init.value_or(default_init(mlp.activation)), options.seed);
    options.initial.clear();
    for (std::size_t i = 0; i < net.params.size(); ++i)
        options.initial.emplace_back(std::string(net.params[i]->name()), drawn[i]);
    for (const auto& [name, value] : given.initial) {
        if (ctx.find_variable(name) == nullptr ||
            std::find(net.params.begin(), net.params.end(), ctx.find_variable(name)) == net.params.end())
            throw Error("'" + name + "' has a starting value but is not a parameter of the network, as l1_w_0_0 is");
        options.initial.emplace_back(name, value);
    }
    std::unique_ptr<Jit> own_jit;
    Jit* jit = options.jit;
    if (jit == nullptr) options.jit = jit = (own_jit = std::make_unique<Jit>()).get();

    out.fit = classifier ? fit(ctx, net.outputs, model.classes, net_data, options)
                         : fit(ctx, net.outputs[0], net_data, options);
    out.kernel_nodes = ctx.node_count();
    FitResult& result = out.fit;
    result.model = model.spec.describe();
    result.dropped_rows = dropped;
    model.params = result.params;
    model.standardization = result.standardization;

    out.accuracy = out.val_accuracy = std::nan("");
    if (classifier) {
        // fit() split the rows so; the model standardizes them as fit() did.
        const Split split = options.validation > 0 ? split_rows(net_data, options.validation, options.seed)
                                                   : Split{std::move(net_data), {}};
        const std::size_t target = model.inputs.size();
        out.accuracy = fraction_right(evaluate(model, prepared_inputs(model, split.train), false, jit, options.pool),
                                      model.classes, split.train.columns[target]);
        if (split.validation.rows() > 0)
            out.val_accuracy =
                fraction_right(evaluate(model, prepared_inputs(model, split.validation), false, jit, options.pool),
                               model.classes, split.validation.columns[target]);
    }
    return out;
}

std::vector<std::vector<double>> predict_outputs(const MlpModel& model, const Dataset& data, Jit* jit) {
    return evaluate(model, prepared_inputs(model, data), false, jit);
}

std::vector<std::vector<double>> predict_probabilities(const MlpModel& model, const Dataset& data, Jit* jit) {
    if (model.classes.empty()) throw Error("probabilities need a classifier, a network fitted with the xent loss");
    return evaluate(model, prepared_inputs(model, data), true, jit);
}

std::vector<double> predict_classes(const MlpModel& model, const Dataset& data, Jit* jit) {
    if (model.classes.empty()) throw Error("classes need a classifier, a network fitted with the xent loss");
    const std::vector<std::vector<double>> logits = predict_outputs(model, data, jit);
    std::vector<double> classes(data.rows());
    for (std::size_t r = 0; r < classes.size(); ++r) classes[r] = model.classes[argmax(logits, r)];
    return classes;
}

double accuracy(const MlpModel& model, const Dataset& data, std::string_view target, Jit* jit) {
    if (model.classes.empty()) throw Error("accuracy needs a classifier, a network fitted with the xent loss");
    return fraction_right(predict_outputs(model, data, jit), model.classes, data.column(target));
}

}  // namespace gradc::nn
