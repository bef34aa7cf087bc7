// The kernels to emit, built as compile_point() and compile_batch() build theirs, with
// a name for every output for the comments.
#include <string>
#include <vector>

#include "codegen/point_outputs.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/emit.hpp"
#include "gradc/print.hpp"

namespace gradc {

AotKernel aot_point_kernel(ExprContext& ctx, std::string name, std::span<const Expr> values,
                           std::span<const Expr> inputs, Derivatives derivatives, bool stable) {
    AotKernel k;
    k.kind = AotKind::Point;
    k.name = std::move(name);
    k.inputs.assign(inputs.begin(), inputs.end());
    k.formula = to_infix(values);
    k.outputs = codegen::point_outputs(ctx, codegen::differentiable(ctx, values, stable), inputs, derivatives);
    // Names in the same layout: f (or f1, f2...), df/dx, then d2f/dx2 and d2f/dxdy.
    const std::size_t m = values.size();
    auto value_name = [m](std::size_t r) { return m == 1 ? std::string("f") : "f" + std::to_string(r + 1); };
    for (std::size_t r = 0; r < m; ++r) k.output_names.push_back(value_name(r));
    if (derivatives != Derivatives::None)
        for (std::size_t r = 0; r < m; ++r)
            for (Expr x : inputs) k.output_names.push_back("d" + value_name(r) + "/d" + std::string(x->name()));
    if (derivatives == Derivatives::Hessian)
        for (std::size_t r = 0; r < m; ++r)
            for (std::size_t i = 0; i < inputs.size(); ++i)
                for (std::size_t j = i; j < inputs.size(); ++j) {
                    const std::string x(inputs[i]->name()), y(inputs[j]->name());
                    k.output_names.push_back("d2" + value_name(r) + "/d" + x + (i == j ? "2" : "d" + y));
                }
    return k;
}

AotKernel aot_batch_kernel(ExprContext& ctx, std::string name, Expr loss, std::span<const Expr> params,
                           std::span<const Expr> columns, bool stable) {
    AotKernel k;
    k.kind = AotKind::Batch;
    k.name = std::move(name);
    k.inputs.assign(params.begin(), params.end());
    k.inputs.insert(k.inputs.end(), columns.begin(), columns.end());
    k.params = params.size();
    k.formula = to_infix(loss);
    const Expr compiled = codegen::differentiable(ctx, std::span<const Expr>(&loss, 1), stable).front();
    k.outputs.push_back(compiled);
    k.output_names.emplace_back("loss");
    const std::vector<Expr> partials = gradient(ctx, compiled, params);
    for (std::size_t i = 0; i < params.size(); ++i) {
        k.outputs.push_back(partials[i]);
        k.output_names.push_back("dloss/d" + std::string(params[i]->name()));
    }
    return k;
}

}  // namespace gradc
