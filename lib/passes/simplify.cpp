// simplify(): readable canonical forms for people, e.g. the gradient of x^2*sin(y)
// printed as 2*x*sin(y) and x^2*cos(y). One bottom-up walk over the DAG, memoized per
// node: each node's rules see its simplified operands and are applied until none
// fires; a rule that builds a new node rewrites that node too, and sums and products
// are built directly in their normal form, so a result is a fixed point. A rule looks
// a bounded distance down (sums and products are gathered up to kMaxGathered leaves),
// so the pass is linear and never recurses on depth.
//
// Rules (the one-line reason for each sits where it is applied):
//   sums      x+0, 0+x, x-0 -> x; 0-x -> -x; x + -y -> x - y; x - -y -> x + y;
//             x+x -> 2*x; c1*x + c2*x -> (c1+c2)*x; x-x -> 0; constants folded;
//             positive terms first, negative ones subtracted: x - 2*y
//   products  x*1 -> x; x*0 -> 0; -1*x -> -x; --x -> x; (-x)*y -> -(x*y);
//             c1*(c2*x) -> (c1*c2)*x; x*x -> x^2; x^a*x^b -> x^(a+b); x*x^a -> x^(a+1)
//             for constants a, b; coefficient first, then factors in structural
//             order: 2*x*sin(y); -(a - b) -> b - a; 2*(-a - b) -> -2*(a + b)
//   quotients gathered with products, as one numerator over one denominator:
//             x/1 -> x; x/-1 -> -x; 0/x -> 0; x/x -> 1; x*y/x -> y;
//             y*(1/x) -> y/x; a/b/c -> a/(b*c); x^-2 -> 1/x^2; the sign in the
//             numerator: -x/y, -2*x/y; 2*x/(2*y) -> x/y, 2/(4*x) -> 1/(2*x)
//   powers    x^1 -> x; x^0 -> 1; 1^x -> 1
//   others    log(exp(x)) -> x; where(c, a, a) -> a; -(c) folded (by the factory)
//
// IEEE caveats. The result equals the input wherever the input's evaluation meets
// no inf or NaN, up to rounding; it may differ elsewhere:
//   - x*0 -> 0, 0/x -> 0, x-x -> 0, x/x -> 1, x*y/x -> y and x^a*x^-a -> 1 turn the
//     NaN or inf of an inf/NaN (or, for the quotients and powers, zero) x into a
//     finite number;
//   - log(exp(x)) -> x is finite where exp(x) overflows;
//   - constant factors and terms are reassociated (c1*(c2*x) -> (c1*c2)*x, x+1+2 ->
//     3+x, like terms summed, y*(1/x) -> y/x, x^-2 -> 1/x^2), which changes rounding
//     and can overflow or underflow where the original did not;
//   - the sign of a zero may change (x + 0 is +0 for x = -0; 0*x and 0/x keep the
//     sign that is right for positive x), which atan2(y, ±0) and 1/±0 can tell apart.
// Never rewritten, because they are wrong on part of the domain: exp(log(x)) -> x
// (x < 0), sqrt(x)^2 -> x (x < 0), (x^a)^b -> x^(a*b) ((x^2)^0.5 is |x|).
// docs/simplify.md keeps the same list for users.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/passes.hpp"
#include "passes/simplify_forms.hpp"

namespace gradc {

namespace passes {

namespace {

Expr simplify_power(ExprContext& ctx, Expr a, Expr b, Expr same) {
    if (b->is_const(1.0)) return a;                  // x^1 -> x, exact
    if (b->is_const(0.0)) return ctx.constant(1.0);  // x^0 -> 1, exact: pow(x, 0) is 1 even for NaN
    if (a->is_const(1.0)) return ctx.constant(1.0);  // 1^x -> 1, exact: pow(1, y) is 1 even for NaN
    // x^-2 -> 1/x^2, the form a product gives it (rounding may differ in the last bit)
    if (b->is_const() && b->value() < 0.0)
        return rewrite(ctx, Op::Div, ctx.constant(1.0), rewrite(ctx, Op::Pow, a, ctx.constant(-b->value())));
    return same ? same : ctx.pow(a, b);
}

}  // namespace

Expr rewrite(ExprContext& ctx, Op op, std::span<const Expr> args, Expr same) {
    // Constant operands fold in the factory, exactly as at run time.
    if (std::all_of(args.begin(), args.end(), [](Expr a) { return a->is_const(); })) return ctx.make(op, args);
    // Looking a node up costs a cache miss in a large context; skip it when possible.
    auto unchanged = [&] { return same ? same : ctx.make(op, args); };
    // Only the ops with rules are named here: every other op stays as it is.
    if (op == Op::Neg || op == Op::Mul || op == Op::Div) return simplify_product(ctx, op, args);
    if (op == Op::Add || op == Op::Sub) return simplify_sum(ctx, op, args);
    if (op == Op::Pow) return simplify_power(ctx, args[0], args[1], same);
    // log(exp(x)) -> x: equal wherever exp(x) is finite
    if (op == Op::Log && args[0]->op() == Op::Exp) return args[0]->arg(0);
    if (op == Op::Where && args[1] == args[2]) return args[1];  // where(c, a, a) -> a, whatever c is
    return unchanged();
}

}  // namespace passes

namespace {

// Simplified form of each node: open addressing, since the walk does a lookup per
// operand and std::unordered_map's scattered nodes make that the pass's main cost.
class NodeMap {
public:
    explicit NodeMap(std::size_t n) : slots_(std::bit_ceil(2 * n + 2)), mask_(slots_.size() - 1) {}

    void insert(Expr key, Expr value) {
        std::size_t i = index(key);
        while (slots_[i].key != nullptr) i = (i + 1) & mask_;
        slots_[i] = {key, value};
    }
    Expr at(Expr key) const {
        for (std::size_t i = index(key);; i = (i + 1) & mask_) {
            GRADC_ASSERT(slots_[i].key != nullptr, "operand simplified before its user");
            if (slots_[i].key == key) return slots_[i].value;
        }
    }

private:
    struct Slot {
        Expr key = nullptr;
        Expr value = nullptr;
    };
    std::size_t index(Expr key) const {
        // Fibonacci hashing of the address: nodes are allocated in runs, so the low
        // bits alone would cluster.
        return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(key) * 0x9e3779b97f4a7c15ULL) >> 20) & mask_;
    }
    std::vector<Slot> slots_;
    std::size_t mask_;
};

}  // namespace

std::vector<Expr> simplify(ExprContext& ctx, std::span<const Expr> outputs) {
    const std::vector<Expr> order = topological_order(outputs);
    NodeMap simplified(order.size());
    for (Expr e : order) {
        Expr r = e;
        if (e->arity() > 0) {
            // rewrite() takes the simplified operands, so the node is built only in
            // its final form.
            Expr args[3] = {nullptr, nullptr, nullptr};
            bool changed = false;
            for (int i = 0; i < e->arity(); ++i) {
                args[i] = simplified.at(e->arg(i));
                changed = changed || args[i] != e->arg(i);
            }
            const std::span<const Expr> operands(args, static_cast<std::size_t>(e->arity()));
            r = passes::rewrite(ctx, e->op(), operands, changed ? nullptr : e);
        }
        simplified.insert(e, r);
    }
    std::vector<Expr> result;
    result.reserve(outputs.size());
    for (Expr e : outputs) result.push_back(simplified.at(e));
    return result;
}

Expr simplify(ExprContext& ctx, Expr e) { return simplify(ctx, std::span<const Expr>(&e, 1)).front(); }

}  // namespace gradc
