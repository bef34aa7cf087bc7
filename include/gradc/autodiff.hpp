// Symbolic differentiation by reverse mode: one backward sweep over the DAG gives
// every partial derivative as new nodes in the same context, sharing every forward
// subexpression.
//
// Conventions where a function has no derivative (PyTorch's choices):
// - abs'(0) = 0, sign' = 0, floor' = ceil' = 0, relu'(0) = 0;
// - min(a, b) and max(a, b) at a tie pass half the gradient to each operand;
// - where(c, a, b) is differentiated as where(c, a', b'): the branch not taken
//   contributes nothing, even where it is NaN or infinite; comparisons have
//   derivative 0.
#pragma once

#include <span>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

// The partial derivatives of `f` with respect to each of `wrt` (variables).
std::vector<Expr> gradient(ExprContext& ctx, Expr f, std::span<const Expr> wrt);

}  // namespace gradc
