#include "autodiff/adjoint.hpp"

#include <vector>

namespace gradc::autodiff {

namespace {

// A guard's branch side, when `e` is where(c, x, 0) (then) or where(c, 0, x) (else).
enum class Side { None, Then, Else };

Side guard_side(Expr e) {
    if (e->op() != Op::Where) return Side::None;
    if (e->arg(2)->is_const(0.0)) return Side::Then;
    if (e->arg(1)->is_const(0.0)) return Side::Else;
    return Side::None;
}

Expr guard_body(Expr e, Side s) { return s == Side::Then ? e->arg(1) : e->arg(2); }

Expr rebuild_guard(ExprContext& ctx, Expr guard, Side s, Expr body) {
    Expr zero = ctx.constant(0.0);
    return s == Side::Then ? ctx.make(Op::Where, guard->arg(0), body, zero)
                           : ctx.make(Op::Where, guard->arg(0), zero, body);
}

}  // namespace

namespace detail {

bool is_guard(Expr e) { return guard_side(e) != Side::None; }

Expr rewrap_guards(ExprContext& ctx, Expr adjoint, Expr (*inner)(void*, Expr), void* state) {
    std::vector<std::pair<Expr, Side>> guards;
    Side s;
    while ((s = guard_side(adjoint)) != Side::None) {
        guards.emplace_back(adjoint, s);
        adjoint = guard_body(adjoint, s);
    }
    Expr result = inner(state, adjoint);
    for (auto it = guards.rbegin(); it != guards.rend(); ++it) result = rebuild_guard(ctx, it->first, it->second, result);
    return result;
}

}  // namespace detail

Expr scaled(ExprContext& ctx, Expr adjoint, Expr d) {
    return guarded(ctx, adjoint, [&](Expr g) {
        if (d->is_const(1.0)) return g;
        if (g->is_const(1.0)) return d;
        if (d->is_const(-1.0)) return ctx.neg(g);
        if (g->is_const(-1.0)) return ctx.neg(d);
        return ctx.mul(g, d);
    });
}

Expr accumulate(ExprContext& ctx, Expr a, Expr b) {
    // where(c, a1, b1) + where(c, a2, b2) = where(c, a1 + a2, b1 + b2): still a select
    // before any use, so nothing from an untaken branch leaks, and it reads better
    // (d/dx where(x > 0, log(x), x) is where(x > 0, 1/x, 1)).
    if (a->op() == Op::Where && b->op() == Op::Where && a->arg(0) == b->arg(0)) {
        auto plus = [&](Expr u, Expr v) { return u->is_const(0.0) ? v : (v->is_const(0.0) ? u : ctx.add(u, v)); };
        return ctx.make(Op::Where, a->arg(0), plus(a->arg(1), b->arg(1)), plus(a->arg(2), b->arg(2)));
    }
    return ctx.add(a, b);
}

}  // namespace gradc::autodiff
