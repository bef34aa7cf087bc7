#include "autodiff/adjoint.hpp"

#include <optional>
#include <vector>

namespace gradc::autodiff {

namespace {

struct Guard {
    Expr cond;
    Side side;
    Expr body;
};

std::optional<Guard> as_guard(Expr e) {
    if (e->op() != Op::Where) return std::nullopt;
    if (e->arg(2)->is_const(0.0)) return Guard{e->arg(0), Side::Then, e->arg(1)};
    if (e->arg(1)->is_const(0.0)) return Guard{e->arg(0), Side::Else, e->arg(2)};
    return std::nullopt;
}

// The terms of a sum of at most kMaxTerms terms, or nothing when it is longer.
constexpr std::size_t kMaxTerms = 16;

bool sum_terms(Expr e, std::vector<Expr>& terms) {
    std::vector<Expr> stack{e};
    while (!stack.empty()) {
        Expr t = stack.back();
        stack.pop_back();
        if (t->op() == Op::Add) {
            stack.push_back(t->arg(1));
            stack.push_back(t->arg(0));
        } else {
            terms.push_back(t);
        }
        if (terms.size() + stack.size() > kMaxTerms) return false;
    }
    return true;
}

}  // namespace

Expr make_guard(ExprContext& ctx, Expr cond, Side side, Expr body) {
    Expr zero = ctx.constant(0.0), one = ctx.constant(1.0);
    // A guarded body is taken where both selections take it: combine them into one
    // condition, with `where` so that NaN conditions keep their meaning (NaN is true).
    while (auto inner = as_guard(body)) {
        const Expr c = inner->cond;
        if (side == Side::Then && inner->side == Side::Then) {
            cond = ctx.make(Op::Where, cond, c, zero);  // cond and c
        } else if (side == Side::Else && inner->side == Side::Then) {
            cond = ctx.make(Op::Where, cond, zero, c);  // not cond, and c
            side = Side::Then;
        } else if (side == Side::Then) {
            cond = ctx.make(Op::Where, cond, c, one);  // else-guard: taken when cond and not c
            side = Side::Else;
        } else {
            cond = ctx.make(Op::Where, cond, one, c);  // else-guard: taken when neither
        }
        body = inner->body;
    }
    if (body->is_const(0.0)) return zero;
    return side == Side::Then ? ctx.make(Op::Where, cond, body, zero) : ctx.make(Op::Where, cond, zero, body);
}

namespace detail {

bool needs_guarding(Expr adjoint) {
    if (as_guard(adjoint)) return true;
    if (adjoint->op() != Op::Add) return false;
    std::vector<Expr> terms;
    if (!sum_terms(adjoint, terms)) return false;
    for (Expr t : terms)
        if (as_guard(t)) return true;
    return false;
}

Expr apply_guarded(ExprContext& ctx, Expr adjoint, Expr (*inner)(const void*, Expr), const void* state) {
    auto one_term = [&](Expr t) {
        if (auto g = as_guard(t)) return make_guard(ctx, g->cond, g->side, inner(state, g->body));
        return inner(state, t);
    };
    if (adjoint->op() == Op::Add) {
        std::vector<Expr> terms;
        if (!sum_terms(adjoint, terms)) return inner(state, adjoint);
        Expr sum = nullptr;
        for (Expr t : terms) {
            Expr c = one_term(t);
            sum = sum == nullptr ? c : ctx.add(sum, c);
        }
        return sum;
    }
    return one_term(adjoint);
}

}  // namespace detail

Expr scaled(ExprContext& ctx, Expr adjoint, Expr d) {
    if (d->is_const(0.0)) return d;  // no contribution, even where g is inf or NaN
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
