// Kernels with derivatives: point and map kernels give the values, the Jacobian and the
// Hessians laid out in one output array, batch kernels a loss and its gradient (the
// layouts are documented at the top of jit.hpp).
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/jit.hpp"
#include "gradc/passes.hpp"
#include "jit/point_outputs.hpp"

namespace gradc {

std::size_t point_output_count(std::size_t values, std::size_t inputs, Derivatives derivatives) {
    std::size_t count = values;
    if (derivatives != Derivatives::None) count += values * inputs;
    if (derivatives == Derivatives::Hessian) count += values * (inputs * (inputs + 1) / 2);
    return count;
}

std::vector<Expr> point_outputs(ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> inputs,
                                Derivatives derivatives) {
    std::vector<Expr> outputs(values.begin(), values.end());
    outputs.reserve(point_output_count(values.size(), inputs.size(), derivatives));
    if (derivatives != Derivatives::None)
        for (Expr f : values) {
            const std::vector<Expr> partials = gradient(ctx, f, inputs);
            outputs.insert(outputs.end(), partials.begin(), partials.end());
        }
    if (derivatives == Derivatives::Hessian)
        for (Expr f : values) {
            const std::vector<std::vector<Expr>> h = hessian(ctx, f, inputs);
            for (std::size_t i = 0; i < inputs.size(); ++i)
                for (std::size_t j = i; j < inputs.size(); ++j) outputs.push_back(h[i][j]);
        }
    return outputs;
}

namespace {

// The values a kernel differentiates: in their stable forms when the options ask for
// them. Rewriting before differentiating, not only after, is what makes derivatives
// stable too: the derivative of softplus(x) is sigmoid(x), while that of
// log(1 + exp(x)) is exp(x)/(1 + exp(x)), inf/inf past x = 709; the derivative of
// -softplus(x) is -sigmoid(x), while that of log(1 - sigmoid(x)) divides by
// 1 - sigmoid(x), 0 past x = 37. Both are derivatives of the same function, so they
// agree in exact arithmetic. Jit::compile then rewrites whatever the derivatives add.
std::vector<Expr> differentiable(const Jit& jit, ExprContext& ctx, std::span<const Expr> values) {
    if (!jit.options().stable_forms) return {values.begin(), values.end()};
    return stable_forms(ctx, values);
}

}  // namespace

Kernel compile_point(Jit& jit, ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> inputs,
                     Derivatives derivatives) {
    return jit.compile(point_outputs(ctx, differentiable(jit, ctx, values), inputs, derivatives), inputs);
}

MapKernel compile_map(Jit& jit, ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> columns,
                      Derivatives derivatives) {
    return jit.compile_map(point_outputs(ctx, differentiable(jit, ctx, values), columns, derivatives), {}, columns);
}

BatchKernel compile_batch(Jit& jit, ExprContext& ctx, Expr loss, std::span<const Expr> params,
                          std::span<const Expr> columns) {
    const Expr stable_loss = differentiable(jit, ctx, std::span<const Expr>(&loss, 1)).front();
    std::vector<Expr> outputs = gradient(ctx, stable_loss, params);
    outputs.insert(outputs.begin(), stable_loss);
    return jit.compile_sum(outputs, params, columns);
}

}  // namespace gradc
