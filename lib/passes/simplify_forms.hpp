// The normal forms behind simplify(): a sum is a list of terms with constant
// coefficients, a product a constant coefficient times factors with distinct bases.
// Every function here assumes the operands of the node it is given are already
// simplified, looks a bounded distance down, and returns a simplified node.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "gradc/expr.hpp"

namespace gradc::passes {

// At most this many leaves of a nested sum or product are gathered at one node; a
// longer run is left as it is apart from identity rules. This bounds the work per
// node, so the pass is linear in the DAG's size.
inline constexpr std::size_t kMaxGathered = 16;

// A vector of at most N elements kept inline: the rules run at every node of DAGs with
// millions of nodes, and their lists are bounded by kMaxGathered anyway.
template <class T, std::size_t N>
class Bounded {
public:
    // False, and nothing added, when full.
    bool push_back(const T& v) {
        if (size_ == N) return false;
        items_[size_++] = v;
        return true;
    }
    void pop_back() { --size_; }
    void clear() { size_ = 0; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T& operator[](std::size_t i) { return items_[i]; }
    const T& operator[](std::size_t i) const { return items_[i]; }
    T& back() { return items_[size_ - 1]; }
    T* begin() { return items_.data(); }
    T* end() { return items_.data() + size_; }
    const T* begin() const { return items_.data(); }
    const T* end() const { return items_.data() + size_; }
    bool operator==(const Bounded& o) const { return std::equal(begin(), end(), o.begin(), o.end()); }

private:
    std::array<T, N> items_{};
    std::size_t size_ = 0;
};

inline bool is_sum(Expr e) { return e->op() == Op::Add || e->op() == Op::Sub; }

// The normal form of op(args) for simplified `args`: the rules of one node, applied
// until none fires. Never called for constants and variables. `same`, when given, is
// the existing node op(args), returned without a lookup when no rule fires.
Expr rewrite(ExprContext& ctx, Op op, std::span<const Expr> args, Expr same = nullptr);
inline Expr rewrite(ExprContext& ctx, Op op, Expr a) { return rewrite(ctx, op, std::span<const Expr>(&a, 1)); }
inline Expr rewrite(ExprContext& ctx, Op op, Expr a, Expr b) {
    const Expr args[2] = {a, b};
    return rewrite(ctx, op, args);
}

// A product taken apart: coefficient * factors / (denominator_coefficient *
// denominator), each list with distinct bases and positive constant exponents
// (x^2 and x merged into x^3, x * x^-1 into nothing), none of its entries a constant,
// a product, a quotient or a negation, sorted by compare_structure. The sign is in
// `coefficient`; denominator_coefficient is positive and finite.
struct Product {
    double coefficient = 1.0;
    double denominator_coefficient = 1.0;
    Bounded<Expr, kMaxGathered> factors;
    Bounded<Expr, kMaxGathered> denominator;
};

// Gathers numerator[0] * ... / (denominator[0] * ...), each taken apart through
// * / and unary -. False when it has more than kMaxGathered leaves, or a constant
// divisor that is 0, infinite or NaN; `out` is then unspecified. With `lift`, a factor
// that is a sum of negative terms gives its sign to the coefficient; that looks into
// the sums, so it is only for a product being simplified, never for one already in
// normal form (which would make the work depend on nesting depth).
bool gather_product(ExprContext& ctx, std::span<const Expr> numerator, std::span<const Expr> denominator, Product& out,
                    bool lift = false);
inline bool gather_product(ExprContext& ctx, Expr e, Product& out) { return gather_product(ctx, {&e, 1}, {}, out); }

// The normal form of a gathered product.
Expr build_product(ExprContext& ctx, const Product& p);

// Joins `elements` (sorted by compare_structure) with the commutative `op` so that
// they read in order where the factory's operand order allows, with as few nested
// right operands (printed in parentheses) as a greedy insertion finds.
Expr build_chain(ExprContext& ctx, Op op, std::span<const Expr> elements);

// Normal form of op(args) for op Mul, Div or Neg.
Expr simplify_product(ExprContext& ctx, Op op, std::span<const Expr> args);

// Normal form of op(args) for op Add or Sub.
Expr simplify_sum(ExprContext& ctx, Op op, std::span<const Expr> args);

// -s for a simplified sum s, distributed over its terms (-(x - y) -> y - x), or
// nullptr when s has too many terms to gather or negations nest too deep.
Expr negate_sum(ExprContext& ctx, Expr s);

// -s when every term of the simplified sum s is negative (-x - 2*y gives x + 2*y), so
// that a product can carry the sign in its coefficient; otherwise nullptr.
Expr positive_form(ExprContext& ctx, Expr s);

}  // namespace gradc::passes
