// The outputs of a point kernel with derivatives, in the layout jit.hpp documents:
// values, then the Jacobian row-major, then each value's Hessian upper triangle.
// compile_point() compiles them; emit writes them out.
#pragma once

#include <span>
#include <vector>

#include "gradc/jit.hpp"

namespace gradc {

std::vector<Expr> point_outputs(ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> inputs,
                                Derivatives derivatives);

}  // namespace gradc
