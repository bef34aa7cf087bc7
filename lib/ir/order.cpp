// The canonical order of commutative operands. It looks only at structure, so the
// same formula prints the same way in every run: constants (by value), then
// variables (by name), then other nodes by height, op, and their operands.
#include <bit>
#include <cmath>

#include "gradc/expr.hpp"

namespace gradc {

namespace {

int rank(Expr e) { return e->is_const() ? 0 : (e->is_var() ? 1 : 2); }

template <class T>
int three_way(const T& a, const T& b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

int compare_constants(double a, double b) {
    // NaN last; -0 before +0 so the order is total.
    if (std::isnan(a) || std::isnan(b)) return three_way(std::isnan(a), std::isnan(b));
    if (a != b) return three_way(a, b);
    return -three_way(std::signbit(a), std::signbit(b));
}

// Everything about a node that does not look at its operands.
int compare_head(Expr a, Expr b) {
    if (int c = three_way(rank(a), rank(b))) return c;
    if (a->is_const()) return compare_constants(a->value(), b->value());
    if (a->is_var()) return three_way(a->name(), b->name());
    if (int c = three_way(a->height(), b->height())) return c;
    return three_way(static_cast<int>(a->op()), static_cast<int>(b->op()));
}

int compare_shallow(Expr a, Expr b) {
    if (a == b) return 0;
    if (int c = compare_head(a, b)) return c;
    return three_way(a->structural_hash(), b->structural_hash());
}

}  // namespace

// Lexicographic on (head, operands' shallow keys, structural hash): a fixed key per
// node, so the order is total and transitive, and nothing recurses on depth. Two
// different nodes tie only on a 64-bit hash collision; creation order breaks that tie.
int compare_structure(Expr a, Expr b) noexcept {
    if (a == b) return 0;
    if (int c = compare_head(a, b)) return c;
    for (int i = 0; i < a->arity(); ++i)
        if (int c = compare_shallow(a->arg(i), b->arg(i))) return c;
    if (int c = three_way(a->structural_hash(), b->structural_hash())) return c;
    return three_way(a->id(), b->id());
}

}  // namespace gradc
