// The outputs of point kernels with derivatives: the values, the Jacobian and the
// Hessians in the layout jit.hpp documents. Symbolic only, so emitting C or LaTeX
// needs no LLVM (it is in gradc_core, lib/CMakeLists.txt).
#include "codegen/point_outputs.hpp"

#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/passes.hpp"

namespace gradc {

std::size_t point_output_count(std::size_t values, std::size_t inputs, Derivatives derivatives) {
    std::size_t count = values;
    if (derivatives != Derivatives::None) count += values * inputs;
    if (derivatives == Derivatives::Hessian) count += values * (inputs * (inputs + 1) / 2);
    return count;
}

namespace codegen {

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

}  // namespace codegen

}  // namespace gradc
