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

// Numerically stable forms for compiled code: each rewrite gives the same function in
// exact arithmetic, and in floating point a result at least as accurate, finite where
// the true value is finite:
//   log(1 + u), log(u + 1) -> log1p(u)      log(1 - u)       -> log1p(-u)
//   exp(u) - 1, -1 + exp(u) -> expm1(u)     1 - exp(u)       -> -expm1(u)
//   log(1 + exp(u)), log1p(exp(u)) -> softplus(u)
//   log(sigmoid(u)) -> -softplus(-u)        log(1 - sigmoid(u)) -> -softplus(u)
//   exp(u)/(1 + exp(u)) -> sigmoid(u)       1/(1 + exp(u))   -> sigmoid(-u)
//   sqrt(a^2 + b^2) -> hypot(a, b)          sqrt(a^2)        -> abs(a)
//   log(exp(u)) -> u                        log1p(expm1(u))  -> u
// (a^2 also written a*a). Where the two forms differ beyond rounding, the input
// overflowed, underflowed or cancelled: log(1 + 1e-17) is 0 but log1p gives 1e-17,
// log(1 + exp(800)) is inf but softplus gives 800, exp(u)/(1 + exp(u)) is NaN for u
// past 709 but sigmoid gives 1, sqrt(a^2 + b^2) is inf for a = 1e200 but hypot gives
// 1e200. Two differences that are not about range: hypot(inf, NaN) is inf where
// sqrt(inf + NaN) is NaN (C's hypot), and some zeros change sign (-softplus(-u) is -0
// where log(sigmoid(u)) is +0). Kernels apply this pass (JitOptions::stable_forms);
// docs/kernels.md lists the rewrites and why others are left out.
//
// The result is built in `ctx`. Outputs from another context are copied into `ctx`
// with every node they reach. Iterative and memoized per node: any depth, linear time.
Expr stable_forms(ExprContext& ctx, Expr e);
std::vector<Expr> stable_forms(ExprContext& ctx, std::span<const Expr> outputs);

// True when stable_forms() would change some node reachable from `outputs`; reads
// only, so a caller can skip copying a DAG into a context of its own for nothing.
bool has_unstable_forms(std::span<const Expr> outputs);

}  // namespace gradc
