// Products and quotients in normal form: the constant coefficient first, then the
// factors sorted by structure, equal bases merged into one power, divisors gathered
// into one denominator, and the result joined so that it reads left to right:
// 2*x*sin(y), x^2*cos(y), -(x*y), -2*x*y/(1 + y^2)^2.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "passes/simplify_forms.hpp"

namespace gradc::passes {

namespace {

// A factor seen as base^exponent with a constant exponent (x is x^1); divisors
// have negated exponents.
struct Power {
    Expr base;
    double exponent;
    Expr factor;  // the factor as found, while it is the only one with its base
};

Power as_power(Expr f, bool divisor) {
    Power p{f, 1.0, f};
    if (f->op() == Op::Pow && f->arg(1)->is_const()) p = {f->arg(0), f->arg(1)->value(), f};
    if (divisor) {
        p.exponent = -p.exponent;
        p.factor = nullptr;
    }
    return p;
}

bool is_integer(double v) { return std::isfinite(v) && v == std::trunc(v); }

// Whether a/b is exact, so that folding it loses nothing.
bool divides_exactly(double a, double b) { return std::fma(a / b, b, -a) == 0.0; }

// Folds the two coefficients where that reads better and loses nothing: 2*x/(2*y) ->
// x/y, 2/(4*x) -> 1/(2*x), 0.8*x/2 -> 0.4*x; 3/(2*x) keeps its fraction. The result
// is a fixed point of this function.
void reduce_coefficients(Product& p) {
    double& c = p.coefficient;
    double& k = p.denominator_coefficient;
    if (k == 1.0 || !std::isfinite(c) || c == 0.0) return;
    if (divides_exactly(c, k) && is_integer(c / k)) {
        c /= k;
        k = 1.0;
    } else if (divides_exactly(k, std::fabs(c)) && is_integer(k / std::fabs(c))) {
        k /= std::fabs(c);
        c = c > 0.0 ? 1.0 : -1.0;
    } else if (!is_integer(c) && divides_exactly(c, k)) {
        c /= k;
        k = 1.0;
    }
}

// Identity rules a product or quotient too long to gather still gets, so that x*1
// and --x go away everywhere. The result is a fixed point: no rule fires on it again.
Expr local_product_rules(ExprContext& ctx, Op op, std::span<const Expr> args) {
    if (op == Op::Neg) {
        const Expr a = args[0];
        return a->op() == Op::Neg ? a->arg(0) : ctx.neg(a);  // --x -> x
    }
    Expr a = args[0], b = args[1];
    if (op == Op::Div) {
        if (b->is_const(1.0)) return a;                          // x/1 -> x
        if (b->is_const(-1.0)) return rewrite(ctx, Op::Neg, a);  // x/-1 -> -x
        if (a->is_const(0.0)) return a;                          // 0/x -> 0 (not for x = 0, NaN)
        if (a == b) return ctx.constant(1.0);                    // x/x -> 1 (not for 0, inf, NaN)
        return ctx.div(a, b);
    }
    if (compare_structure(b, a) < 0) std::swap(a, b);  // a constant operand first
    if (a->is_const(1.0)) return b;                    // 1*x -> x
    if (a->is_const(0.0)) return a;                    // 0*x -> 0 (not for inf/NaN x)
    if (a->is_const(-1.0)) return rewrite(ctx, Op::Neg, b);  // -1*x -> -x
    if (a->op() == Op::Neg || b->op() == Op::Neg) {          // (-x)*y -> -(x*y)
        const Expr p = rewrite(ctx, Op::Mul, a->op() == Op::Neg ? a->arg(0) : a, b->op() == Op::Neg ? b->arg(0) : b);
        return (a->op() == Op::Neg) != (b->op() == Op::Neg) ? rewrite(ctx, Op::Neg, p) : p;
    }
    return ctx.mul(a, b);
}

using Powers = Bounded<Power, kMaxGathered>;

// Merges powers of equal bases (x^a * x^b -> x^(a+b), x*x -> x^2, x/x -> 1) and
// splits them by the sign of the exponent into out.factors and out.denominator.
void merge_powers(ExprContext& ctx, const Powers& items, Product& out) {
    Powers merged;
    for (const Power& p : items) {
        auto same = std::find_if(merged.begin(), merged.end(), [&](const Power& q) { return q.base == p.base; });
        if (same == merged.end()) {
            merged.push_back(p);
        } else {
            same->exponent += p.exponent;
            same->factor = nullptr;
        }
    }
    out.factors.clear();
    out.denominator.clear();
    for (const Power& p : merged) {
        if (p.exponent == 0.0) continue;  // x^a * x^-a -> 1 (not at x = 0 or inf)
        const bool divisor = p.exponent < 0.0;
        Expr f = p.factor;
        if (f == nullptr) f = rewrite(ctx, Op::Pow, p.base, ctx.constant(divisor ? -p.exponent : p.exponent));
        if (f->is_const()) {
            (divisor ? out.denominator_coefficient : out.coefficient) *= f->value();
            continue;
        }
        (divisor ? out.denominator : out.factors).push_back(f);
    }
}

// 2*(-x - y) -> -2*(x + y): a factor that is a sum of negative terms gives its sign
// to the coefficient. True when some factor changed.
bool lift_signs(ExprContext& ctx, Powers& items, double& coefficient) {
    bool changed = false;
    for (Power& p : items) {
        if (p.exponent != 1.0 && p.exponent != -1.0) continue;  // (-x - y)^2 keeps its sum
        if (!is_sum(p.base)) continue;
        if (const Expr positive = positive_form(ctx, p.base)) {
            p = {positive, p.exponent, p.exponent > 0.0 ? positive : nullptr};
            coefficient = -coefficient;
            changed = true;
        }
    }
    return changed;
}

// The product coefficient * factors, as a numerator or a denominator.
Expr build_numerator(ExprContext& ctx, double coefficient, std::span<const Expr> factors) {
    if (factors.empty()) return ctx.constant(coefficient);
    if (coefficient == 1.0) return build_chain(ctx, Op::Mul, factors);  // 1*x -> x
    if (coefficient == -1.0) {  // -1*x -> -x, and -(a - b) -> b - a
        if (factors.size() == 1 && is_sum(factors[0]))
            if (Expr d = negate_sum(ctx, factors[0])) return d;
        return ctx.neg(build_chain(ctx, Op::Mul, factors));
    }
    Bounded<Expr, kMaxGathered + 1> elements;
    elements.push_back(ctx.constant(coefficient));  // constants sort first
    for (Expr f : factors) elements.push_back(f);
    return build_chain(ctx, Op::Mul, elements);
}

}  // namespace

bool gather_product(ExprContext& ctx, std::span<const Expr> numerator, std::span<const Expr> denominator, Product& out,
                    bool lift) {
    out = Product{};
    // Leaves first, so that a product too long to gather is given up cheaply. Each
    // entry is a node and whether it divides.
    Powers items;
    std::size_t leaves = 0;
    Bounded<std::pair<Expr, bool>, 2 * kMaxGathered + 2> stack;
    for (auto it = denominator.rbegin(); it != denominator.rend(); ++it)
        if (!stack.push_back({*it, true})) return false;
    for (auto it = numerator.rbegin(); it != numerator.rend(); ++it)
        if (!stack.push_back({*it, false})) return false;
    for (std::size_t visited = 0; !stack.empty(); ++visited) {
        const auto [n, divides] = stack.back();
        stack.pop_back();
        if (visited > 4 * kMaxGathered) return false;
        if (n->op() == Op::Mul || n->op() == Op::Div) {
            // A shared operand is walked once per use; the bounds keep that cheap.
            const bool right_divides = n->op() == Op::Div ? !divides : divides;
            if (!stack.push_back({n->arg(1), right_divides}) || !stack.push_back({n->arg(0), divides})) return false;
        } else if (n->op() == Op::Neg) {  // -x is -1*x
            out.coefficient = -out.coefficient;
            stack.push_back({n->arg(0), divides});
        } else if (++leaves > kMaxGathered) {
            return false;
        } else if (n->is_const()) {  // constants multiply into a coefficient (reassociates)
            double& c = divides ? out.denominator_coefficient : out.coefficient;
            c *= n->value();
        } else {
            items.push_back(as_power(n, divides));
        }
    }
    if (lift) lift_signs(ctx, items, out.coefficient);
    merge_powers(ctx, items, out);
    // Merging can leave a sum of negative terms alone ((-x - y)^2 * (-x - y)^-1);
    // lifting its sign can make it equal to another base. Two more rounds settle it.
    for (int round = 0; lift && round < 2; ++round) {
        items.clear();
        for (Expr f : out.factors) items.push_back(as_power(f, false));
        for (Expr f : out.denominator) items.push_back(as_power(f, true));
        if (!lift_signs(ctx, items, out.coefficient)) break;
        merge_powers(ctx, items, out);
    }
    double& k = out.denominator_coefficient;
    if (k == 0.0 || !std::isfinite(k)) return false;  // x/0 stays as written
    if (k < 0.0) {  // x/(-2*y) -> -x/(2*y)
        k = -k;
        out.coefficient = -out.coefficient;
    }
    reduce_coefficients(out);
    auto before = [](Expr a, Expr b) { return compare_structure(a, b) < 0; };
    std::sort(out.factors.begin(), out.factors.end(), before);
    std::sort(out.denominator.begin(), out.denominator.end(), before);
    return true;
}

Expr build_chain(ExprContext& ctx, Op op, std::span<const Expr> elements) {
    // A left fold: the factory keeps a chain of the same op on the left, so sorted
    // elements read in order, coefficient first: ((2*x)*y)*sin(y) prints 2*x*y*sin(y).
    Expr chain = elements.front();
    for (std::size_t i = 1; i < elements.size(); ++i) chain = ctx.make(op, chain, elements[i]);
    return chain;
}

Expr build_product(ExprContext& ctx, const Product& product) {
    Product p = product;
    reduce_coefficients(p);
    if (std::isnan(p.coefficient)) return ctx.constant(std::numeric_limits<double>::quiet_NaN());  // NaN*x is NaN
    if (p.coefficient == 0.0) return ctx.constant(p.coefficient);  // 0*x, 0/x -> 0 (caveats), signed for x > 0
    const Expr numerator = build_numerator(ctx, p.coefficient, p.factors);
    if (p.denominator.empty() && p.denominator_coefficient == 1.0) return numerator;
    // The sign stays in the numerator: -2*x/y, -x/y, -1/x.
    return ctx.div(numerator, build_numerator(ctx, p.denominator_coefficient, p.denominator));
}

Expr simplify_product(ExprContext& ctx, Op op, std::span<const Expr> args) {
    Product p;
    const bool gathered = op == Op::Div ? gather_product(ctx, args.first(1), args.last(1), p, true)
                                        : gather_product(ctx, args, {}, p, true);
    if (!gathered) return local_product_rules(ctx, op, args);
    if (op == Op::Neg) p.coefficient = -p.coefficient;  // -x is -1*x
    return build_product(ctx, p);
}

}  // namespace gradc::passes
