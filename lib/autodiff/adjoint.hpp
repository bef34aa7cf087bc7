// Building blocks of reverse mode: how an incoming adjoint is scaled and summed so
// that the untaken branch of a `where` never leaks NaN or inf into a gradient.
#pragma once

#include "gradc/expr.hpp"

namespace gradc::autodiff {

// An adjoint that flowed out of a branch of where(c, a, b) is guarded:
// where(c, g, 0) or where(c, 0, g). Applying a rule to a guarded adjoint applies it
// inside the guard, so the select discards the rule's value where the branch is not
// taken (0 * NaN would otherwise be NaN).
template <class Rule>
Expr guarded(ExprContext& ctx, Expr adjoint, const Rule& rule);

// guarded(g, h -> h * d), skipping the multiplication by exact 1 or -1.
Expr scaled(ExprContext& ctx, Expr adjoint, Expr d);

// a + b for adjoints; two selects on the same condition become one select.
Expr accumulate(ExprContext& ctx, Expr a, Expr b);

// The contribution of node `n`'s adjoint `g` to the adjoint of its operand `i`, or
// nullptr when that contribution is identically zero.
Expr contribution(ExprContext& ctx, Expr n, int i, Expr g);

namespace detail {
// Unwraps the guards around an adjoint (a loop: guards nest), applies `inner` to
// the body, and rewraps.
Expr rewrap_guards(ExprContext& ctx, Expr adjoint, Expr (*inner)(void*, Expr), void* state);
bool is_guard(Expr e);
}  // namespace detail

template <class Rule>
Expr guarded(ExprContext& ctx, Expr adjoint, const Rule& rule) {
    if (!detail::is_guard(adjoint)) return rule(adjoint);  // the common case: no branch above
    auto call = [](void* state, Expr body) -> Expr { return (*static_cast<const Rule*>(state))(body); };
    return detail::rewrap_guards(ctx, adjoint, call, const_cast<Rule*>(&rule));
}

}  // namespace gradc::autodiff
