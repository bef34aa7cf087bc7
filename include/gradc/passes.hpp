// Rewrites of the DAG. Each pass is a free function that builds its result in the
// same context; the input is never changed (nodes are immutable).
#pragma once

#include <span>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

// Readable canonical forms for people: x*1 -> x, x+0 -> x, x+x -> 2*x, x*x -> x^2,
// constants gathered and folded, ... The rules and their IEEE caveats are listed in
// lib/passes/simplify.cpp and docs/simplify.md; in short, simplify may replace NaN or
// inf results by finite ones (x*0 -> 0, x-x -> 0, x/x -> 1) and may reassociate
// constant factors, so it serves printing, never compiled code.
Expr simplify(ExprContext& ctx, Expr e);
std::vector<Expr> simplify(ExprContext& ctx, std::span<const Expr> outputs);

}  // namespace gradc
