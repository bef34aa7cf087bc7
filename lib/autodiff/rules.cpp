// The derivative rules: one case per op. Each case turns the adjoint g of node
// n = op(a, b, c) into the adjoint contribution for operand i, reusing n itself
// wherever the derivative is a function of the result (exp, sqrt, tanh, ...).
// The "+k" comments count the nodes a rule adds at most (guards aside), which
// bounds the gradient's size by a constant times the forward DAG.
#include <cmath>
#include <numbers>

#include "autodiff/adjoint.hpp"

namespace gradc::autodiff {

namespace {

Expr square(ExprContext& ctx, Expr a) { return ctx.pow(a, ctx.constant(2.0)); }

// d/da a^k = k*a^(k-1) for a constant k, written without a^1 and a^0.
Expr power_rule(ExprContext& ctx, Expr a, double k) {
    if (k == 0.0) return ctx.constant(0.0);  // a^0 is flat, even at a = 0
    if (k == 1.0) return ctx.constant(1.0);
    if (k == 2.0) return ctx.mul(ctx.constant(2.0), a);
    return ctx.mul(ctx.constant(k), ctx.pow(a, ctx.constant(k - 1.0)));
}

}  // namespace

Expr contribution(ExprContext& ctx, Expr n, int i, Expr g) {
    const Expr a = n->arg(0);
    const Expr b = n->arity() > 1 ? n->arg(1) : nullptr;
    auto c = [&](double v) { return ctx.constant(v); };
    auto scale = [&](Expr d) { return scaled(ctx, g, d); };
    auto divide = [&](Expr d) { return guarded(ctx, g, [&](Expr h) { return ctx.div(h, d); }); };
    auto select = [&](Expr cond) {  // where(cond, g, 0): a guard
        return guarded(ctx, g, [&](Expr h) { return make_guard(ctx, cond, Side::Then, h); });
    };
    switch (n->op()) {
        case Op::Const:
        case Op::Var: return nullptr;
        case Op::Neg: return scale(c(-1.0));  // d/da -a = -1                      +1
        case Op::Add: return g;               // d/da a+b = d/db a+b = 1           +0
        case Op::Sub: return i == 0 ? g : scale(c(-1.0));  // d/db a-b = -1        +1
        case Op::Mul: return scale(i == 0 ? b : a);         // d/da a*b = b         +1
        case Op::Div:
            if (i == 0) return divide(b);  // d/da a/b = 1/b                        +1
            // d/db a/b = -a/b^2 = -(1/b)*(a/b) = -n/b                              +2
            return scale(ctx.neg(ctx.div(n, b)));
        case Op::Pow:
            if (i == 0) {
                if (b->is_const()) return scale(power_rule(ctx, a, b->value()));  // k*a^(k-1) +3
                // d/da a^b = b*a^(b-1)                                              +4
                return scale(ctx.mul(b, ctx.pow(a, ctx.sub(b, c(1.0)))));
            }
            // d/db a^b = a^b*log(a), taken as 0 at a = 0 where a^b is flat in b     +5
            return scale(ctx.make(Op::Where, ctx.make(Op::Eq, a, c(0.0)), c(0.0), ctx.mul(n, ctx.make(Op::Log, a))));
        case Op::Sqrt: return divide(ctx.mul(c(2.0), n));  // d sqrt(a) = 1/(2*sqrt(a))      +2
        case Op::Cbrt: return divide(ctx.mul(c(3.0), square(ctx, n)));  // 1/(3*cbrt(a)^2)  +3
        case Op::Exp: return scale(n);                                     // exp(a)          +1
        case Op::Expm1: return scale(ctx.add(n, c(1.0)));                  // expm1(a) + 1    +2
        case Op::Log: return divide(a);                                    // 1/a             +1
        case Op::Log1p: return divide(ctx.add(a, c(1.0)));                 // 1/(1+a)         +2
        case Op::Log2: return divide(ctx.mul(a, c(std::numbers::ln2)));    // 1/(a*ln 2)      +2
        case Op::Log10: return divide(ctx.mul(a, c(std::numbers::ln10)));  // 1/(a*ln 10)     +2
        case Op::Sin: return scale(ctx.make(Op::Cos, a));                  // cos(a)          +2
        case Op::Cos: return scale(ctx.neg(ctx.make(Op::Sin, a)));         // -sin(a)         +3
        case Op::Tan: return scale(ctx.add(c(1.0), square(ctx, n)));       // 1 + tan(a)^2    +3
        case Op::Asin: return divide(ctx.make(Op::Sqrt, ctx.sub(c(1.0), square(ctx, a))));  // 1/sqrt(1-a^2) +4
        case Op::Acos:  // -1/sqrt(1-a^2), the sign inside the guard                       +5
            return divide(ctx.neg(ctx.make(Op::Sqrt, ctx.sub(c(1.0), square(ctx, a)))));
        case Op::Atan: return divide(ctx.add(c(1.0), square(ctx, a)));    // 1/(1+a^2)       +3
        case Op::Sinh: return scale(ctx.make(Op::Cosh, a));                // cosh(a)         +2
        case Op::Cosh: return scale(ctx.make(Op::Sinh, a));                // sinh(a)         +2
        case Op::Tanh: return scale(ctx.sub(c(1.0), square(ctx, n)));      // 1 - tanh(a)^2   +3
        case Op::Asinh: return divide(ctx.make(Op::Sqrt, ctx.add(square(ctx, a), c(1.0))));  // 1/sqrt(a^2+1) +4
        case Op::Acosh:  // 1/(sqrt(a-1)*sqrt(a+1)), which keeps precision near a = 1             +6
            return divide(ctx.mul(ctx.make(Op::Sqrt, ctx.sub(a, c(1.0))), ctx.make(Op::Sqrt, ctx.add(a, c(1.0)))));
        case Op::Atanh: return divide(ctx.sub(c(1.0), square(ctx, a)));   // 1/(1-a^2)       +3
        case Op::Abs: return scale(ctx.make(Op::Sign, a));                 // sign(a); abs'(0) = 0  +2
        case Op::Sign:
        case Op::Floor:
        case Op::Ceil: return nullptr;  // piecewise constant: derivative 0 (also at the jumps)
        case Op::Erf:  // 2/sqrt(pi) * exp(-a^2)                                             +5
            return scale(ctx.mul(c(std::numbers::inv_sqrtpi * 2.0), ctx.make(Op::Exp, ctx.neg(square(ctx, a)))));
        case Op::Erfc:  // -2/sqrt(pi) * exp(-a^2)                                           +5
            return scale(ctx.mul(c(std::numbers::inv_sqrtpi * -2.0), ctx.make(Op::Exp, ctx.neg(square(ctx, a)))));
        case Op::Relu: return select(ctx.make(Op::Gt, a, c(0.0)));      // 1 if a > 0; relu'(0) = 0  +2
        case Op::Sigmoid: return scale(ctx.mul(n, ctx.sub(c(1.0), n)));    // s*(1-s)         +3
        case Op::Softplus: return scale(ctx.make(Op::Sigmoid, a));         // sigmoid(a)      +2
        case Op::Atan2: {
            // atan2(a, b) = angle of (b, a): d/da = b/(a^2+b^2), d/db = -a/(a^2+b^2)      +6
            Expr r2 = ctx.add(square(ctx, a), square(ctx, b));
            return i == 0 ? scale(ctx.div(b, r2)) : scale(ctx.neg(ctx.div(a, r2)));
        }
        case Op::Hypot: return scale(ctx.div(i == 0 ? a : b, n));          // a/hypot(a, b)   +2
        case Op::Min:
        case Op::Max: {
            // The winner gets g, the loser nothing, each half at a tie. The loser's 0 is a
            // guard, so a loser that is inf or NaN below adds nothing either.            +6
            Expr self = i == 0 ? a : b, other = i == 0 ? b : a;
            Expr loses = ctx.make(n->op() == Op::Min ? Op::Lt : Op::Gt, other, self);
            return guarded(ctx, g, [&](Expr h) {
                Expr share = ctx.make(Op::Where, ctx.make(Op::Eq, a, b), ctx.mul(c(0.5), h), h);
                return make_guard(ctx, loses, Side::Else, share);
            });
        }
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
        case Op::Eq:
        case Op::Ne: return nullptr;  // comparisons are piecewise constant
        case Op::Where:
            if (i == 0) return nullptr;  // the condition only selects
            // Only the taken branch receives the adjoint: where(c, g, 0) / where(c, 0, g)  +1
            return make_guard(ctx, a, i == 1 ? Side::Then : Side::Else, g);
    }
    return nullptr;
}

}  // namespace gradc::autodiff
