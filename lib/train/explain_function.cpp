#include "train/explain_function.hpp"

#include <algorithm>
#include <string>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/parse.hpp"
#include "gradc/passes.hpp"

namespace gradc::train {
namespace {

// Σ_j where(t == j, z_j, 0): the entry of `z` the class column t selects, one formula
// for every row (as nn::softmax_cross_entropy selects the target's logit).
Expr selected(ExprContext& ctx, std::span<const Expr> z, Expr t) {
    Expr sum = nullptr;
    for (std::size_t j = 0; j < z.size(); ++j) {
        const Expr pick =
            ctx.make(Op::Where, ctx.make(Op::Eq, t, ctx.constant(static_cast<double>(j))), z[j], ctx.constant(0.0));
        sum = sum ? ctx.add(sum, pick) : pick;
    }
    return sum;
}

}  // namespace

ExplainedFunction::ExplainedFunction(const SavedModel& model, ExplainedOutput output, Jit& jit) {
    if (output == ExplainedOutput::Probability && !model.is_classifier())
        throw Error(
            "the model predicts numbers, not classes: there is no probability to explain; leave out "
            "--output probability");
    ExprContext ctx;
    std::vector<Expr> columns, params;
    // Inputs get names of their own: a data column may be called as a parameter is.
    for (std::size_t i = 0; i < model.inputs().size(); ++i)
        columns.push_back(ctx.variable("input." + std::to_string(i)));
    inputs_ = columns.size();
    const Expr t = ctx.variable("class.index");
    Expr f = nullptr;
    if (model.is_network()) {
        const nn::MlpModel& net = std::get<nn::MlpModel>(model.model);
        const nn::Network built = nn::build(ctx, net.spec, columns);
        params = built.params;
        params_ = net.params;
        standardization_ = net.standardization;
        network_ = net;
        if (net.classes.empty()) {
            f = built.outputs.at(0);
        } else {
            reads_class_ = true;
            f = selected(ctx, output == ExplainedOutput::Probability ? nn::softmax(ctx, built.outputs) : built.outputs,
                         t);
        }
        linear_pieces_ = output == ExplainedOutput::Logit && (net.spec.activation == nn::Activation::Relu ||
                                                              net.spec.activation == nn::Activation::Identity);
    } else {
        const FitResult& fitted = std::get<FitResult>(model.model);
        ExprContext parsed;
        // The model's own names, then its data variables renamed to the inputs' names.
        const Expr formula = parse_expr(parsed, fitted.model);
        std::vector<Expr> from, to;
        for (std::size_t i = 0; i < fitted.names.data.size(); ++i) {
            from.push_back(parsed.variable(fitted.names.data[i]));
            to.push_back(columns[i]);
        }
        for (std::size_t i = 0; i < fitted.names.params.size(); ++i) {
            from.push_back(parsed.variable(fitted.names.params[i]));
            params.push_back(ctx.variable("param." + std::to_string(i)));
            to.push_back(params.back());
        }
        // Rebuild the formula in `ctx` over the new variables.
        std::vector<Expr> copy(parsed.node_count(), nullptr);
        for (std::size_t k = 0; k < from.size(); ++k) copy[from[k]->id()] = to[k];
        for (const Expr node : topological_order(formula)) {
            if (copy[node->id()] != nullptr) continue;
            if (node->is_const()) {
                copy[node->id()] = ctx.constant(node->value());
                continue;
            }
            std::vector<Expr> args;
            for (const Expr a : node->args()) args.push_back(copy[a->id()]);
            copy[node->id()] = ctx.make(node->op(), args);
        }
        f = copy[formula->id()];
        params_ = fitted.params;
        standardization_ = fitted.standardization;
        if (model.is_classifier()) {
            // A bce model's logit z is class 1's; class 0's is -z (probabilities sigmoid(-z), sigmoid(z)).
            reads_class_ = true;
            f = ctx.make(Op::Where, ctx.make(Op::Eq, t, ctx.constant(1.0)), f, ctx.neg(f));
            if (output == ExplainedOutput::Probability) f = ctx.make(Op::Sigmoid, f);
        }
    }
    // Derivatives of the stable form, as compile_point() takes them.
    f = stable_forms(ctx, f);
    std::vector<Expr> outputs{f};
    for (const Expr g : gradient(ctx, f, columns)) outputs.push_back(g);
    if (reads_class_) columns.push_back(t);
    kernel_ = jit.compile_map(outputs, params, columns);
}

void ExplainedFunction::run(std::span<const double* const> columns, const double* classes, std::size_t count,
                            double* value, std::span<double* const> gradient, ThreadPool* pool) const {
    std::vector<const double*> in(columns.begin(), columns.end());
    if (reads_class_) in.push_back(classes);
    std::vector<double*> out{value};
    out.insert(out.end(), gradient.begin(), gradient.end());
    kernel_(params_, in, count, out, pool);
}

double ExplainedFunction::to_model(std::size_t i, double raw) const noexcept {
    return standardization_ ? (raw - standardization_->mean[i]) / standardization_->scale[i] : raw;
}

double ExplainedFunction::scale(std::size_t i) const noexcept {
    return standardization_ ? standardization_->scale[i] : 1.0;
}

std::vector<double> ExplainedFunction::pre_activations(std::size_t layer, std::span<const double> first) const {
    const std::vector<std::size_t> widths = network_->spec.widths();
    std::vector<double> a(first.begin(), first.end());
    std::size_t offset = widths[1] * (widths[0] + 1);
    for (std::size_t l = 1; l <= layer; ++l) {
        const std::size_t fan_in = widths[l], units = widths[l + 1];
        const double* w = params_.data() + offset;
        const double* bias = w + units * fan_in;
        std::vector<double> next(units);
        for (std::size_t j = 0; j < units; ++j) {
            double sum = 0.0;
            for (std::size_t i = 0; i < fan_in; ++i) sum += w[j * fan_in + i] * std::max(a[i], 0.0);
            next[j] = bias[j] + sum;
        }
        a = std::move(next);
        offset += units * (fan_in + 1);
    }
    return a;
}

std::vector<double> ExplainedFunction::kinks(std::span<const double> b, std::span<const double> x) const {
    if (network_->spec.activation != nn::Activation::Relu) return {};
    // The first layer's pre-activations are affine along the whole path: two matrix
    // products give them at every α, so the widest layer is multiplied out only twice.
    const std::size_t inputs = network_->spec.inputs, units = network_->spec.hidden.at(0);
    std::vector<double> at_b(units), at_x(units);
    for (std::size_t j = 0; j < units; ++j) {
        double sum_b = 0.0, sum_x = 0.0;
        for (std::size_t i = 0; i < inputs; ++i) {
            sum_b += params_[j * inputs + i] * b[i];
            sum_x += params_[j * inputs + i] * x[i];
        }
        at_b[j] = params_[units * inputs + j] + sum_b;
        at_x[j] = params_[units * inputs + j] + sum_x;
    }
    std::vector<double> alphas{0.0, 1.0}, first(units);
    for (std::size_t layer = 0; layer < network_->spec.hidden.size(); ++layer) {
        std::vector<std::vector<double>> at;
        for (const double alpha : alphas) {
            for (std::size_t j = 0; j < units; ++j) first[j] = at_b[j] + alpha * (at_x[j] - at_b[j]);
            at.push_back(pre_activations(layer, first));
        }
        std::vector<double> found;
        for (std::size_t s = 0; s + 1 < alphas.size(); ++s) {
            for (std::size_t j = 0; j < at[s].size(); ++j) {
                const double a0 = at[s][j], a1 = at[s + 1][j];
                if ((a0 < 0 && a1 > 0) || (a0 > 0 && a1 < 0)) {
                    const double alpha = alphas[s] + (alphas[s + 1] - alphas[s]) * (a0 / (a0 - a1));
                    if (alpha > alphas[s] && alpha < alphas[s + 1]) found.push_back(alpha);
                }
            }
        }
        alphas.insert(alphas.end(), found.begin(), found.end());
        std::sort(alphas.begin(), alphas.end());
        alphas.erase(std::unique(alphas.begin(), alphas.end()), alphas.end());
    }
    return {alphas.begin() + 1, alphas.end() - 1};
}

}  // namespace gradc::train
