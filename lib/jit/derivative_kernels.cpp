// Kernels with derivatives: point and map kernels give the values, the Jacobian and the
// Hessians laid out in one output array, batch kernels a loss and its gradient (the
// layouts are documented at the top of jit.hpp).
#include <vector>

#include "codegen/point_outputs.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/jit.hpp"

namespace gradc {

Kernel compile_point(Jit& jit, ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> inputs,
                     Derivatives derivatives) {
    // Jit::compile rewrites whatever unstable forms the derivatives add.
    const std::vector<Expr> stable = codegen::differentiable(ctx, values, jit.options().stable_forms);
    return jit.compile(codegen::point_outputs(ctx, stable, inputs, derivatives), inputs);
}

MapKernel compile_map(Jit& jit, ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> columns,
                      Derivatives derivatives) {
    const std::vector<Expr> stable = codegen::differentiable(ctx, values, jit.options().stable_forms);
    return jit.compile_map(codegen::point_outputs(ctx, stable, columns, derivatives), {}, columns);
}

BatchKernel compile_batch(Jit& jit, ExprContext& ctx, Expr loss, std::span<const Expr> params,
                          std::span<const Expr> columns) {
    const Expr stable_loss =
        codegen::differentiable(ctx, std::span<const Expr>(&loss, 1), jit.options().stable_forms).front();
    std::vector<Expr> outputs = gradient(ctx, stable_loss, params);
    outputs.insert(outputs.begin(), stable_loss);
    return jit.compile_sum(outputs, params, columns);
}

}  // namespace gradc
