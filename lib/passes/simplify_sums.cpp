// Sums in normal form: like terms combined (x + x -> 2*x, 3*x - x -> 2*x, x - x -> 0),
// constants folded into one, positive terms first and the negative ones subtracted:
// x - 2*y rather than x + -2*y, 1 - x rather than -x + 1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "passes/simplify_forms.hpp"

namespace gradc::passes {

namespace {

using Signed = std::pair<double, Expr>;  // sign * node

// One leaf of a gathered sum: sign * leaf, where the leaf is the product `product`.
struct Part {
    Expr leaf;
    Product product;
    double coefficient;  // product.coefficient with the sign of the path to the leaf
};

// Like terms: parts with the same factors and divisors.
struct Term {
    Bounded<std::uint8_t, kMaxGathered> parts;
    double coefficient = 0.0;
    double denominator_coefficient = 1.0;
};

struct Gathered {
    Bounded<Part, kMaxGathered> parts;
    double constant = 0.0;
};

// Walks the sums rooted at `roots` through + - and unary -. False when there are more
// than kMaxGathered leaves.
bool gather_sum(ExprContext& ctx, std::span<const Signed> roots, Gathered& out) {
    // Leaves first, so that a sum too long to gather is given up cheaply.
    Bounded<Signed, kMaxGathered> leaves;
    Bounded<Signed, 2 * kMaxGathered + 2> stack;
    for (auto it = roots.rbegin(); it != roots.rend(); ++it)
        if (!stack.push_back(*it)) return false;
    for (std::size_t visited = 0; !stack.empty(); ++visited) {
        const auto [sign, n] = stack.back();
        stack.pop_back();
        if (visited > 4 * kMaxGathered) return false;
        if (n->op() == Op::Add || n->op() == Op::Sub) {
            const double right = n->op() == Op::Add ? sign : -sign;
            if (!stack.push_back({right, n->arg(1)}) || !stack.push_back({sign, n->arg(0)})) return false;
        } else if (n->op() == Op::Neg) {
            stack.push_back({-sign, n->arg(0)});
        } else if (!leaves.push_back({sign, n})) {
            return false;
        }
    }
    Product p;
    for (const auto& [sign, n] : leaves) {
        if (n->is_const()) {  // constants add up into one (reassociates)
            out.constant += sign * n->value();
            continue;
        }
        if (!gather_product(ctx, n, p)) {  // too long to gather: one opaque factor
            p = Product{};
            p.factors.push_back(n);
        }
        out.parts.push_back(Part{n, p, sign * p.coefficient});
    }
    return true;
}

using Terms = Bounded<Term, kMaxGathered>;

bool alike(const Product& a, const Product& b) { return a.factors == b.factors && a.denominator == b.denominator; }

// Groups the parts into like terms, summing coefficients in reading order: over the
// common divisor when the parts share one (x/(2*y) + x/(2*y) -> x/y), else as
// numbers.
Terms combine(const Gathered& g) {
    Terms terms;
    for (std::size_t i = 0; i < g.parts.size(); ++i) {
        const Part& part = g.parts[i];
        auto like = std::find_if(terms.begin(), terms.end(),
                                 [&](const Term& t) { return alike(g.parts[t.parts[0]].product, part.product); });
        const double k = part.product.denominator_coefficient;
        if (like == terms.end()) {
            terms.push_back(Term{{}, part.coefficient, k});
            terms.back().parts.push_back(static_cast<std::uint8_t>(i));
            continue;
        }
        like->parts.push_back(static_cast<std::uint8_t>(i));
        if (like->denominator_coefficient == k) {
            like->coefficient += part.coefficient;
        } else {
            like->coefficient = like->coefficient / like->denominator_coefficient + part.coefficient / k;
            like->denominator_coefficient = 1.0;
        }
    }
    // k*(a + b) - (k-1)*(a + b) would become the sum a + b as one term, which the next
    // pass would take apart: keep such terms apart, so the result is a fixed point.
    Terms result;
    for (const Term& t : terms) {
        const Product& p = g.parts[t.parts[0]].product;
        const bool unit_sum = p.factors.size() == 1 && is_sum(p.factors[0]) && p.denominator.empty() &&
                              std::fabs(t.coefficient) == t.denominator_coefficient;
        if (!unit_sum || t.parts.size() == 1) {
            result.push_back(t);
            continue;
        }
        for (std::uint8_t i : t.parts) {
            Term alone{{}, g.parts[i].coefficient, g.parts[i].product.denominator_coefficient};
            alone.parts.push_back(i);
            result.push_back(alone);
        }
    }
    return result;
}

// The term `coefficient * factors / (denominator_coefficient * denominator)`; the
// original leaf when it already is exactly that.
Expr term_node(ExprContext& ctx, const Gathered& g, const Term& t, double coefficient) {
    const Part& first = g.parts[t.parts[0]];
    if (t.parts.size() == 1 && first.product.coefficient == coefficient) return first.leaf;
    Product p = first.product;
    p.coefficient = coefficient;
    p.denominator_coefficient = t.denominator_coefficient;
    const Expr built = build_product(ctx, p);
    // A new coefficient can meet a factor that is a sum of negative terms (2 times
    // (-x - y)/z): give its sign to the coefficient, as simplifying the product would.
    Product lifted;
    if (!gather_product(ctx, std::span(&built, 1), {}, lifted, true)) return built;
    return build_product(ctx, lifted);
}

bool before(Expr a, Expr b) { return compare_structure(a, b) < 0; }

// The normal form of the gathered sum.
Expr build_sum(ExprContext& ctx, const Gathered& g) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(g.constant)) return ctx.constant(kNaN);  // NaN + x is NaN
    const Terms terms = combine(g);
    Bounded<Expr, kMaxGathered + 1> positive;
    // A negative term as (-term, its index in `terms`), subtracted, or negated to lead
    // when nothing is positive; the index is terms.size() for the constant.
    Bounded<std::pair<Expr, std::size_t>, kMaxGathered + 1> negative;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const Term& t = terms[i];
        if (std::isnan(t.coefficient)) return ctx.constant(kNaN);  // inf*x - inf*x is NaN
        if (t.coefficient == 0.0) continue;  // x - x -> 0 (not for inf/NaN x)
        if (t.coefficient > 0.0)
            positive.push_back(term_node(ctx, g, t, t.coefficient));
        else
            negative.push_back({term_node(ctx, g, t, -t.coefficient), i});
    }
    std::sort(positive.begin(), positive.end(), before);
    std::sort(negative.begin(), negative.end(), [](const auto& a, const auto& b) { return before(a.first, b.first); });
    // x + 0 -> x; a positive constant leads (1 + x, the factory's order), a negative one
    // is subtracted last (x - 1).
    if (g.constant > 0.0) {
        positive.push_back(ctx.constant(g.constant));
        std::rotate(positive.begin(), positive.end() - 1, positive.end());
    }
    if (g.constant < 0.0) negative.push_back({ctx.constant(-g.constant), terms.size()});

    Expr sum;
    std::size_t next = 0;
    if (!positive.empty()) {
        sum = build_chain(ctx, Op::Add, positive);
    } else if (!negative.empty()) {  // -x - y: the first negative term leads, negated
        const std::size_t i = negative[0].second;
        sum = i == terms.size() ? ctx.constant(g.constant) : term_node(ctx, g, terms[i], terms[i].coefficient);
        next = 1;
    } else {
        return ctx.constant(0.0);
    }
    for (; next < negative.size(); ++next) sum = ctx.sub(sum, negative[next].first);
    return sum;
}

// Identity rules a sum too long to gather still gets. The result is a fixed point.
Expr local_sum_rules(ExprContext& ctx, Op op, Expr a, Expr b) {
    if (op == Op::Add) {
        if (compare_structure(b, a) < 0) std::swap(a, b);                 // a constant operand first
        if (a->is_const(0.0)) return b;                                   // 0 + x -> x
        if (b->op() == Op::Neg) return rewrite(ctx, Op::Sub, a, b->arg(0));  // x + -y -> x - y
        if (a->op() == Op::Neg) return rewrite(ctx, Op::Sub, b, a->arg(0));  // -y + x -> x - y
        return ctx.add(a, b);
    }
    if (b->is_const(0.0)) return a;                                       // x - 0 -> x
    if (a->is_const(0.0)) return rewrite(ctx, Op::Neg, b);                // 0 - x -> -x
    if (a == b) return ctx.constant(0.0);                                 // x - x -> 0
    if (b->op() == Op::Neg) return rewrite(ctx, Op::Add, a, b->arg(0));   // x - -y -> x + y
    if (b->is_const() && b->value() < 0.0) return rewrite(ctx, Op::Add, a, ctx.constant(-b->value()));  // x - -c
    return ctx.sub(a, b);
}

}  // namespace

Expr simplify_sum(ExprContext& ctx, Op op, std::span<const Expr> args) {
    Gathered g;
    const Signed roots[2] = {{1.0, args[0]}, {op == Op::Add ? 1.0 : -1.0, args[1]}};
    if (!gather_sum(ctx, roots, g)) return local_sum_rules(ctx, op, args[0], args[1]);
    return build_sum(ctx, g);
}

Expr positive_form(ExprContext& ctx, Expr s) {
    Gathered g;
    const Signed root{1.0, s};
    if (!gather_sum(ctx, std::span(&root, 1), g) || g.constant > 0.0 || g.parts.empty()) return nullptr;
    for (const Part& p : g.parts)
        if (!(p.coefficient < 0.0)) return nullptr;
    return negate_sum(ctx, s);
}

Expr negate_sum(ExprContext& ctx, Expr s) {
    // Negating a sum builds a sum, whose leading negative term may negate a sum again,
    // one level further down the DAG each time; a small bound keeps that from
    // recursing on the DAG's depth. Past it the caller writes -(s).
    constexpr int kMaxNesting = 8;
    thread_local int nesting = 0;
    if (nesting >= kMaxNesting) return nullptr;
    struct Enter {
        Enter() { ++nesting; }
        ~Enter() { --nesting; }
    } enter;
    Gathered g;
    const Signed root{-1.0, s};
    if (!gather_sum(ctx, std::span(&root, 1), g)) return nullptr;
    return build_sum(ctx, g);
}

}  // namespace gradc::passes
