// The outputs of a point kernel with derivatives, in the layout jit.hpp documents:
// values, then the Jacobian row-major, then each value's Hessian upper triangle.
// compile_point() compiles them; emission writes them out.
#pragma once

#include <span>
#include <vector>

#include "gradc/codegen.hpp"
#include "gradc/expr.hpp"

namespace gradc::codegen {

std::vector<Expr> point_outputs(ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> inputs,
                                Derivatives derivatives);

// The values a kernel differentiates: in their stable forms when `stable` (as
// CodegenOptions::stable_forms asks), else as given. Rewriting before differentiating, not
// only after, is what makes derivatives stable too: the derivative of softplus(x) is
// sigmoid(x), while that of log(1 + exp(x)) is exp(x)/(1 + exp(x)), inf/inf past
// x = 709; the derivative of -softplus(x) is -sigmoid(x), while that of
// log(1 - sigmoid(x)) divides by 1 - sigmoid(x), 0 past x = 37. Both are derivatives of
// the same function, so they agree in exact arithmetic.
std::vector<Expr> differentiable(ExprContext& ctx, std::span<const Expr> values, bool stable);

}  // namespace gradc::codegen
