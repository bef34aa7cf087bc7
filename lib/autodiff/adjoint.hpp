// Building blocks of reverse mode: how an incoming adjoint is scaled and summed so
// that the untaken branch of a `where` never leaks NaN or inf into a gradient.
#pragma once

#include "gradc/expr.hpp"

namespace gradc::autodiff {

// An adjoint that flowed out of one branch of where(c, a, b) is guarded: where(c, g, 0)
// for the then-branch, where(c, 0, g) for the else-branch. A rule applied to a guarded
// adjoint is applied inside the guard, so the select discards the rule's value where
// the branch is not taken (0 * NaN would otherwise be NaN).
enum class Side { Then, Else };

// The guard of `body` on `side` of `cond`. Guards never nest: a guarded body is merged
// into one guard on a combined condition, so a chain of branches costs one condition
// node per level instead of re-wrapping every enclosing guard at every rule.
Expr make_guard(ExprContext& ctx, Expr cond, Side side, Expr body);

template <class Rule>
Expr guarded(ExprContext& ctx, Expr adjoint, const Rule& rule);

// guarded(g, h -> h * d), skipping the multiplication by exact 1 or -1, and nothing
// at all when d is exactly 0.
Expr scaled(ExprContext& ctx, Expr adjoint, Expr d);

// a + b for adjoints; two selects on the same condition become one select.
Expr accumulate(ExprContext& ctx, Expr a, Expr b);

// The contribution of node `n`'s adjoint `g` to the adjoint of its operand `i`, or
// nullptr when that contribution is identically zero.
Expr contribution(ExprContext& ctx, Expr n, int i, Expr g);

namespace detail {
// Whether `adjoint` is a guard, or a short sum with a guard among its terms.
bool needs_guarding(Expr adjoint);
// Applies `inner` inside the guard of `adjoint`, or to each term of a short sum of
// guards (every rule is linear in the adjoint, so that is exact).
Expr apply_guarded(ExprContext& ctx, Expr adjoint, Expr (*inner)(const void*, Expr), const void* state);
}  // namespace detail

template <class Rule>
Expr guarded(ExprContext& ctx, Expr adjoint, const Rule& rule) {
    if (!detail::needs_guarding(adjoint)) return rule(adjoint);  // the common case: no branch above
    auto call = [](const void* state, Expr body) -> Expr { return (*static_cast<const Rule*>(state))(body); };
    return detail::apply_guarded(ctx, adjoint, call, &rule);
}

}  // namespace gradc::autodiff
