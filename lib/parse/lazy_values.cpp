// Elementwise values while lowering a tensor program (Lazy, lower_tensor.hpp): joined
// into one body operator by operator, and built as nodes only when something that is
// not elementwise needs them. In an index form, operands are lined up by their index
// names: permuted, stretched or reshaped into the left side's order.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "gradc/error.hpp"
#include "parse/lower_tensor.hpp"
#include "tensor/checks.hpp"
#include "tensor/substitute.hpp"

namespace gradc::syntax {

namespace {

// Whether an operand labelled `have` (a '1' marks an axis of 1 that stretches) lines
// up with `want` by NumPy's rule, aligned at the right.
bool aligned(std::string_view have, std::string_view want) {
    if (have.size() > want.size()) return false;
    const std::size_t shift = want.size() - have.size();
    for (std::size_t k = 0; k < have.size(); ++k)
        if (have[k] != '1' && have[k] != want[shift + k]) return false;
    return true;
}

}  // namespace

Lazy TensorLowerer::wrap(Tensor t) const {
    Lazy v;
    v.body = ctx_.placeholder(0);
    v.operands = {t};
    v.labels = {std::string()};
    v.shape = t->shape();
    return v;
}

Lazy TensorLowerer::wrap(Tensor t, std::string labels) const {
    Lazy v = wrap(t);
    v.index = true;
    v.out.clear();
    for (const char c : labels)
        if (c != '1' && v.out.find(c) == std::string::npos) v.out.push_back(c);
    v.labels = {std::move(labels)};
    return v;
}

Lazy TensorLowerer::constant(double value) const {
    Lazy v;
    v.body = ctx_.scalars().constant(value);
    return v;
}

Lazy TensorLowerer::combine(Op op, Lazy a, Lazy b, ast::Position at) {
    Lazy args[] = {std::move(a), std::move(b)};
    return apply(op, args, at);
}

Lazy TensorLowerer::settled(Lazy v) {
    if (v.diagonal == nullptr) return v;
    const Tensor x = v.diagonal;
    const std::int64_t n = x->shape().dims[0];
    if (n == kRows)
        fail(v.diagonal_at, "diag(v) of a vector over the rows N is a factor of '@' only, as in diag(v) @ X");
    return wrap(guarded(v.diagonal_at, [&] { return ctx_.view_adjoint(x, Shape{{n, n}}, {1, 0, 1, 0}); }));
}

Lazy TensorLowerer::apply(Op op, std::span<Lazy> args, ast::Position at) {
    Lazy r;
    std::vector<Expr> bodies;
    for (std::size_t n = 0; n < args.size(); ++n) {
        Lazy& a = args[n];
        a = settled(std::move(a));
        r.index = r.index || a.index;
        if (n == 0) {
            // The first argument's operands keep their numbers: a long chain of terms
            // then costs one lookup per new operand, not a renumbering of all of them.
            r.operands = std::move(a.operands);
            r.labels = std::move(a.labels);
            bodies.push_back(a.body);
        } else {
            std::vector<Expr> from, to;
            for (std::size_t k = 0; k < a.operands.size(); ++k) {
                std::size_t j = 0;
                while (j < r.operands.size() && !(r.operands[j] == a.operands[k] && r.labels[j] == a.labels[k])) ++j;
                if (j == r.operands.size()) {
                    r.operands.push_back(a.operands[k]);
                    r.labels.push_back(a.labels[k]);
                }
                if (j != k) {
                    from.push_back(ctx_.placeholder(k));
                    to.push_back(ctx_.placeholder(j));
                }
            }
            bodies.push_back(from.empty() ? a.body : tensor::substitute(ctx_.scalars(), a.body, from, to));
        }
        if (a.index) {
            for (const char c : a.out)
                if (r.out.find(c) == std::string::npos) r.out.push_back(c);
        } else {
            try {
                r.shape = tensor::broadcast_shapes(r.shape, a.shape);
            } catch (const SemanticError& e) {
                fail(at, e.what());
            }
        }
    }
    // Each index ranges over one size.
    if (r.index) {
        for (const char c : r.out) {
            std::int64_t size = -2;
            for (std::size_t k = 0; k < r.operands.size(); ++k)
                for (std::size_t axis = 0; axis < r.labels[k].size(); ++axis) {
                    if (r.labels[k][axis] != c) continue;
                    const std::int64_t d = r.operands[k]->shape().dims[axis];
                    if (size != -2 && d != size)
                        fail(at, "an index ranges over " + Shape{{size}}.text() + " in one operand and " +
                                     Shape{{d}}.text() + " in another");
                    size = d;
                }
        }
    }
    const auto arity = static_cast<std::size_t>(op_info(op).arity);
    if (bodies.size() != arity) fail(at, "internal: wrong arity");
    r.body = ctx_.scalars().make(op, bodies);
    return r;
}

Lazy TensorLowerer::negate(Lazy v, std::size_t times, ast::Position at) {
    for (std::size_t i = 0; i < times; ++i) {
        Lazy arg[] = {std::move(v)};
        v = apply(Op::Neg, arg, at);
    }
    return v;
}

// The operands renumbered in the order a left-to-right walk of the body meets them,
// which is the order the printer writes them in: a printed map then reads back to the
// same body over the same operands. Renaming placeholders can reorder commutative
// operands, so this repeats until the order holds (twice, almost always).
Lazy TensorLowerer::in_reading_order(Lazy v) const {
    std::unordered_map<Expr, std::size_t> operand_of;  // placeholder -> operand
    for (std::size_t k = 0; k < v.operands.size(); ++k) operand_of.emplace(ctx_.placeholder(k), k);
    for (int round = 0; round < 4 && v.operands.size() > 1; ++round) {
        std::vector<std::size_t> order;  // operand indices, as met
        std::vector<bool> met(v.operands.size(), false);
        std::vector<Expr> stack{v.body};
        std::unordered_set<Expr> seen;
        while (!stack.empty()) {
            const Expr e = stack.back();
            stack.pop_back();
            if (!seen.insert(e).second) continue;
            if (const auto it = operand_of.find(e); it != operand_of.end() && !met[it->second]) {
                met[it->second] = true;
                order.push_back(it->second);
            }
            for (int a = e->arity(); a-- > 0;) stack.push_back(e->arg(a));
        }
        // Operands the body does not read (where(0, x, w) folds x away) keep their place
        // after the others: their shapes still broadcast into the result's.
        for (std::size_t k = 0; k < v.operands.size(); ++k)
            if (!met[k]) order.push_back(k);
        bool in_order = true;
        for (std::size_t k = 0; k < order.size(); ++k) in_order = in_order && order[k] == k;
        if (in_order) break;
        Lazy next = v;
        std::vector<Expr> from, to;
        next.operands.clear();
        next.labels.clear();
        for (std::size_t k = 0; k < order.size(); ++k) {
            next.operands.push_back(v.operands[order[k]]);
            next.labels.push_back(v.labels[order[k]]);
            from.push_back(ctx_.placeholder(order[k]));
            to.push_back(ctx_.placeholder(k));
        }
        next.body = tensor::substitute(ctx_.scalars(), v.body, from, to);
        v = std::move(next);
    }
    return v;
}

Tensor TensorLowerer::materialize(const Lazy& lazy, ast::Position at) {
    if (lazy.diagonal != nullptr) return materialize(settled(lazy), at);
    if (lazy.index) return materialize(lazy, lazy.out, at);
    if (lazy.operands.empty()) return ctx_.scalar(lazy.body->value());
    const Lazy v = in_reading_order(lazy);
    return guarded(at, [&] { return ctx_.map(v.body, v.operands); });
}

Tensor TensorLowerer::materialize(const Lazy& lazy, std::string_view want, ast::Position at) {
    if (lazy.diagonal != nullptr) return materialize(settled(lazy), want, at);
    if (lazy.operands.empty()) {
        Shape to;
        for (const char c : want) to.dims.push_back(*range_of(c));
        const Tensor value = ctx_.scalar(lazy.body->value());
        return want.empty() ? value : guarded(at, [&] { return ctx_.broadcast_to(value, to); });
    }
    const Lazy v = in_reading_order(lazy);
    // An index tensor's elements: only the tensor itself, or a reshape that gives it
    // axes of 1 (t[n,k:1] = y[n]).
    if (v.operands.size() == 1 && v.operands[0]->type() == ElementType::Index) {
        const Tensor y = v.operands[0];
        std::string kept;
        Shape to;
        for (const char c : want) {
            if (v.labels[0].find(c) != std::string::npos) {
                kept.push_back(c);
                to.dims.push_back(y->shape().dims[v.labels[0].find(c)]);
            } else if (range_of(c) == 1) {
                to.dims.push_back(1);
            } else {
                fail(at, "an index tensor is read only to give it axes of 1, as in t[n,k:1] = y[n]");
            }
        }
        if (v.body != ctx_.placeholder(0) || kept != v.labels[0])
            fail(at, "an index tensor enters only take_along_axis, a subscript (z[n, y[n]]) and reshape");
        return guarded(at, [&] { return ctx_.reshape(y, to); });
    }
    // The size each label ranges over.
    const auto size_of = [&](char c) -> std::int64_t {
        for (std::size_t k = 0; k < v.operands.size(); ++k)
            if (const std::size_t axis = v.labels[k].find(c); axis != std::string::npos)
                return v.operands[k]->shape().dims[axis];
        return range_of(c).value_or(1);
    };
    // Indices of the left side that the right side does not read stretch it.
    const bool stretched =
        std::any_of(want.begin(), want.end(), [&](char c) { return v.out.find(c) == std::string::npos; });
    const bool all_aligned = !stretched && std::all_of(v.labels.begin(), v.labels.end(),
                                                       [&](const std::string& l) { return aligned(l, want); });
    // a[...] * b[...] whose indices NumPy cannot line up: a contraction that sums nothing.
    const Expr p0 = ctx_.placeholder(0), p1 = ctx_.placeholder(1);
    if (!all_aligned && !stretched && v.operands.size() == 2 && v.body->op() == Op::Mul &&
        ((v.body->arg(0) == p0 && v.body->arg(1) == p1) || (v.body->arg(0) == p1 && v.body->arg(1) == p0)) &&
        v.labels[0].find('1') == std::string::npos && v.labels[1].find('1') == std::string::npos) {
        const std::string spec = v.labels[0] + "," + v.labels[1] + "->" + std::string(want);
        return guarded(at, [&] { return ctx_.contract(spec, v.operands[0], v.operands[1]); });
    }
    std::vector<Tensor> operands;
    for (std::size_t k = 0; k < v.operands.size(); ++k) {
        Tensor x = v.operands[k];
        std::string labels = v.labels[k];
        if (!stretched && aligned(labels, want)) {
            operands.push_back(x);
            continue;
        }
        if (labels.find('1') != std::string::npos) {
            // x[n,0]: the axis of 1 stretches over an index of the left side that no
            // other axis reads, the first after the axis before it.
            Shape to;
            for (const char c : want) to.dims.push_back(size_of(c));
            std::vector<std::size_t> axes;
            bool fits = true;
            for (const char c : labels) {
                const std::size_t after = axes.empty() ? 0 : axes.back() + 1;
                std::size_t a = c == '1' ? after : want.find(c);
                while (c == '1' && a < want.size() && labels.find(want[a]) != std::string::npos) ++a;
                fits = fits && a < want.size() && a >= after;
                axes.push_back(a);
            }
            if (fits) {
                operands.push_back(guarded(at, [&] { return ctx_.broadcast(x, to, axes); }));
                continue;
            }
            // Else the axes of 1 go (z[n, y[n]] picks one element per row).
            Shape without;
            std::string kept;
            for (std::size_t a = 0; a < labels.size(); ++a)
                if (labels[a] != '1') {
                    without.dims.push_back(x->shape().dims[a]);
                    kept.push_back(labels[a]);
                }
            x = guarded(at, [&] { return ctx_.reshape(x, without); });
            labels = kept;
            if (labels == want) {
                operands.push_back(x);
                continue;
            }
        }
        // Into the left side's order, then stretched to its shape.
        std::string sorted = labels;
        std::sort(sorted.begin(), sorted.end(), [&](char a, char b) { return want.find(a) < want.find(b); });
        if (sorted != labels) {
            std::vector<std::size_t> perm;
            for (const char c : sorted) perm.push_back(labels.find(c));
            x = guarded(at, [&] { return ctx_.permute(x, perm); });
        }
        Shape to;
        std::vector<std::size_t> axes;
        for (std::size_t a = 0; a < want.size(); ++a) {
            to.dims.push_back(size_of(want[a]));
            if (sorted.find(want[a]) != std::string::npos) axes.push_back(a);
        }
        if (sorted.size() == want.size()) {
            operands.push_back(x);
            continue;
        }
        operands.push_back(guarded(at, [&] { return ctx_.broadcast(x, to, axes); }));
    }
    return guarded(at, [&] { return ctx_.map(v.body, operands); });
}

}  // namespace gradc::syntax
