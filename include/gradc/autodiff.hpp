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

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

// The partial derivatives of `f` with respect to each of `wrt` (variables), from one
// reverse sweep. Each op adds a constant number of nodes (listed per rule in
// lib/autodiff/rules.cpp), so the result is linear in the size of f's DAG.
std::vector<Expr> gradient(ExprContext& ctx, Expr f, std::span<const Expr> wrt);

// The k-th derivative of `f` with respect to the variable `x` (order 0 is f itself).
Expr diff(ExprContext& ctx, Expr f, Expr x, int order = 1);

// Forward mode: the directional derivative sum_i df/d(wrt[i]) * direction[i] in one
// forward sweep. `direction` may hold any expressions (numbers, or variables v1, v2, ...).
Expr jvp(ExprContext& ctx, Expr f, std::span<const Expr> wrt, std::span<const Expr> direction);
// The same for several outputs at once, in one sweep over their shared DAG.
std::vector<Expr> jvp(ExprContext& ctx, std::span<const Expr> outputs, std::span<const Expr> wrt,
                      std::span<const Expr> direction);

// jacobian[r][i] = d outputs[r] / d wrt[i]: one reverse sweep per output.
std::vector<std::vector<Expr>> jacobian(ExprContext& ctx, std::span<const Expr> outputs, std::span<const Expr> wrt);

// The Hessian by forward-over-reverse: each column is a forward sweep over the
// gradient's DAG, so entries share the gradient's nodes. The result is symmetric by
// construction: hessian[i][j] and hessian[j][i] are the same node.
std::vector<std::vector<Expr>> hessian(ExprContext& ctx, Expr f, std::span<const Expr> wrt);

// The Hessian-vector product H*v without forming H: one forward sweep over the gradient.
std::vector<Expr> hessian_vector_product(ExprContext& ctx, Expr f, std::span<const Expr> wrt, std::span<const Expr> v);

// The entries (i, j), i <= j, of the Hessian that can be nonzero, read off the DAG's
// dependencies without differentiating: x_i and x_j interact only where a nonlinear
// op sees both (a product of a term in x_i and a term in x_j, or a nonlinear function
// of a term in both).
std::vector<std::pair<std::size_t, std::size_t>> hessian_sparsity(Expr f, std::span<const Expr> wrt);

}  // namespace gradc
