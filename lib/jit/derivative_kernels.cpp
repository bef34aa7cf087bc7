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

std::vector<Expr> differentiable(ExprContext& ctx, std::span<const Expr> values, bool stable) {
    if (!stable) return {values.begin(), values.end()};
    return stable_forms(ctx, values);
}

Kernel compile_point(Jit& jit, ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> inputs,
                     Derivatives derivatives) {
    // Jit::compile rewrites whatever unstable forms the derivatives add.
    const std::vector<Expr> stable = differentiable(ctx, values, jit.options().stable_forms);
    return jit.compile(point_outputs(ctx, stable, inputs, derivatives), inputs);
}

MapKernel compile_map(Jit& jit, ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> columns,
                      Derivatives derivatives) {
    const std::vector<Expr> stable = differentiable(ctx, values, jit.options().stable_forms);
    return jit.compile_map(point_outputs(ctx, stable, columns, derivatives), {}, columns);
}

BatchKernel compile_batch(Jit& jit, ExprContext& ctx, Expr loss, std::span<const Expr> params,
                          std::span<const Expr> columns) {
    const Expr stable_loss = differentiable(ctx, std::span<const Expr>(&loss, 1), jit.options().stable_forms).front();
    std::vector<Expr> outputs = gradient(ctx, stable_loss, params);
    outputs.insert(outputs.begin(), stable_loss);
    return jit.compile_sum(outputs, params, columns);
}

}  // namespace gradc
