// The index form's element reads and reductions: X[n,i], M[i,i] (a diagonal), c[0,j]
// (an axis of 1 that stretches), z[n, y[n,k]] (a pick through an index tensor), and
// sum(i, ...) / amax(i, ...), where a product of two reads summed over an index is a
// contraction, as A @ B is.
#include <algorithm>
#include <charconv>
#include <system_error>

#include "parse/lower.hpp"
#include "parse/lower_tensor.hpp"

namespace gradc::syntax {

namespace {

constexpr const char* kIndexHelp =
    "a subscript of the index form is an index name (x[n,i]), 0 on an axis of 1, or an element of an index "
    "tensor (z[n, y[n,k]]); write views such as x[1:] or pad(...) in the matrix form";

}  // namespace

std::optional<TensorLowerer::Affine> TensorLowerer::affine_of(const ast::Expr& e) const {
    if (!e.rest.empty()) return std::nullopt;
    Affine sum;
    // into += sign * a, noting an overflow instead of wrapping (it is no index then).
    bool overflow = false;
    const auto add = [&overflow](Affine& into, const Affine& a, std::int64_t sign) {
        const auto accumulate = [&](std::int64_t& to, std::int64_t value) {
            std::int64_t scaled = 0;
            overflow =
                overflow || __builtin_mul_overflow(value, sign, &scaled) || __builtin_add_overflow(to, scaled, &to);
        };
        accumulate(into.offset, a.offset);
        for (const auto& [label, c] : a.terms) {
            auto it =
                std::find_if(into.terms.begin(), into.terms.end(), [&](const auto& t) { return t.first == label; });
            if (it == into.terms.end()) it = into.terms.insert(into.terms.end(), {label, 0});
            accumulate(it->second, c);
        }
    };
    const auto product = [&](const ast::Product& p) -> std::optional<Affine> {
        std::optional<Affine> acc;
        const auto factor = [&](const ast::Unary& u) -> std::optional<Affine> {
            if (!u.power.exponents.empty()) return std::nullopt;
            std::optional<Affine> f;
            const ast::Operand& o = u.power.base;
            if (const ast::Number* n = std::get_if<ast::Number>(&o.value)) {
                std::int64_t v = 0;
                const auto [end, ec] = std::from_chars(n->pos, n->pos + n->length, v);
                if (ec != std::errc() || end != n->pos + n->length) return std::nullopt;
                f = Affine{{}, v};
            } else if (const ast::Name* name = std::get_if<ast::Name>(&o.value)) {
                const char label = index_label(name->text());
                if (label == '\0') return std::nullopt;
                f = Affine{{{label, 1}}, 0};
            } else if (const auto* group = std::get_if<ast::Box<ast::Expr>>(&o.value)) {
                f = affine_of(**group);
            }
            if (f && u.minus % 2 == 1) {
                Affine negated;
                add(negated, *f, -1);
                f = negated;
            }
            return f;
        };
        acc = factor(p.first);
        for (const ast::ProductTail& t : p.rest) {
            const std::optional<Affine> f = factor(t.operand);
            if (!acc || !f || t.op != '*') return std::nullopt;
            // One side must be a number.
            const Affine& number = acc->terms.empty() ? *acc : *f;
            const Affine& other = acc->terms.empty() ? *f : *acc;
            if (!number.terms.empty()) return std::nullopt;
            Affine scaled;
            add(scaled, other, number.offset);
            acc = scaled;
        }
        return acc;
    };
    std::optional<Affine> first = product(e.first.first);
    if (!first) return std::nullopt;
    add(sum, *first, 1);
    for (const ast::SumTail& t : e.first.rest) {
        const std::optional<Affine> term = product(t.operand);
        if (!term) return std::nullopt;
        add(sum, *term, t.op == '+' ? 1 : -1);
    }
    // Indices address axes of at most 2^62 elements; an affine form far beyond any
    // axis is refused here rather than overflowing the view's arithmetic.
    constexpr std::int64_t kLargest = std::int64_t{1} << 32;
    bool large = sum.offset > kLargest || sum.offset < -kLargest;
    for (const auto& [label, c] : sum.terms) large = large || c > kLargest || c < -kLargest;
    if (overflow || large) return std::nullopt;
    return sum;
}

char TensorLowerer::subscript_label(const ast::Subscript& s) const noexcept {
    const ast::Operand* o = s.colons == 0 && s.start ? lone_operand(*s.start) : nullptr;
    const ast::Name* i = o ? std::get_if<ast::Name>(&o->value) : nullptr;
    return i ? index_label(i->text()) : '\0';
}

Tensor TensorLowerer::index_tensor_of(const ast::Operand& o) {
    if (const ast::Name* name = std::get_if<ast::Name>(&o.value)) {
        const auto entry = names_.find(name->text());
        return entry != names_.end() && entry->second.tensor->type() == ElementType::Index ? entry->second.tensor
                                                                                           : nullptr;
    }
    // reshape(y, (N, 1)), as the printers write an index tensor given an axis of 1.
    const auto* call = std::get_if<ast::Box<ast::Call>>(&o.value);
    if (call == nullptr || (*call)->name.text() != "reshape" || (*call)->args.size() != 2) return nullptr;
    const ast::Operand* inner = lone_operand((*call)->args[0].value);
    const Tensor y = inner ? index_tensor_of(*inner) : nullptr;
    if (y == nullptr) return nullptr;
    const Shape to = shape_argument((*call)->args[1].value);
    return guarded((*call)->name.pos, [&] { return ctx_.reshape(y, to); });
}

Lazy TensorLowerer::lower_element(const ast::Postfix& p) {
    const ast::Name* name = std::get_if<ast::Name>(&p.target.value);
    const auto entry = name != nullptr ? names_.find(name->text()) : names_.end();
    Tensor x = nullptr;
    std::string what;
    if (entry != names_.end()) {
        x = entry->second.tensor;
        what = quoted(name->text());
    } else {
        // The elements of a matrix-form value: (W @ b)[i], cos(W)[i,j].
        x = outside_index_form([&] { return materialize(lower(p.target), p.op.pos); });
        what = "the value";
    }
    // An index tensor's elements are read only to define a reshape of it (t[n,k:1] = y[n]);
    // materialize() refuses any other use.
    const std::vector<ast::Subscript>& subs = p.op.subscripts;
    if (subs.size() != x->shape().rank())
        fail(p.op.pos, what + " has the shape " + x->shape().text() + ": read it with " +
                           std::to_string(x->shape().rank()) + " indices, not " + std::to_string(subs.size()));
    std::vector<std::optional<Affine>> affine(subs.size());
    std::string labels;
    std::optional<std::size_t> pick_axis;
    Tensor index_tensor = nullptr;
    std::string index_labels;
    for (std::size_t axis = 0; axis < subs.size(); ++axis) {
        const ast::Subscript& s = subs[axis];
        if (s.colons != 0 || !s.start) fail(s.pos, kIndexHelp);
        const ast::Operand* o = lone_operand(*s.start);
        if (o == nullptr || std::get_if<ast::Box<ast::Expr>>(&o->value) != nullptr) {
            affine[axis] = affine_of(*s.start);
            if (!affine[axis]) fail(s.pos, kIndexHelp);
            labels.push_back('*');
            continue;
        }
        if (const ast::Name* i = std::get_if<ast::Name>(&o->value)) {
            const char label = index_label(i->text());
            if (label == '\0')
                fail(i->pos, "the index " + quoted(i->text()) + " is free: bind it on the left side (h[" +
                                 std::string(i->text()) + "] = ...) or sum over it (sum(" + std::string(i->text()) +
                                 ", ...))");
            labels.push_back(label);
            continue;
        }
        if (const ast::Number* n = std::get_if<ast::Number>(&o->value); n != nullptr && n->text() == "0") {
            if (x->shape().dims[axis] != 1)
                fail(n->pos, "0 reads the single element of an axis of 1; this axis has " +
                                 Shape{{x->shape().dims[axis]}}.text());
            labels.push_back('1');
            continue;
        }
        if (const ast::Number* n = std::get_if<ast::Number>(&o->value)) {
            affine[axis] = affine_of(*s.start);
            if (!affine[axis]) fail(n->pos, "an index is a whole number");
            labels.push_back('*');
            continue;
        }
        const auto* read = std::get_if<ast::Box<ast::Postfix>>(&o->value);
        const Tensor index = read && (*read)->op.kind == '[' ? index_tensor_of((*read)->target) : nullptr;
        if (index == nullptr) fail(s.pos, kIndexHelp);
        if (pick_axis) fail(s.pos, "one subscript at a time may read an index tensor");
        pick_axis = axis;
        index_tensor = index;
        if ((*read)->op.subscripts.size() != index_tensor->shape().rank())
            fail((*read)->op.pos, "the index tensor has the shape " + index_tensor->shape().text() + ": read it with " +
                                      std::to_string(index_tensor->shape().rank()) + " indices");
        for (const ast::Subscript& is : (*read)->op.subscripts) {
            const char label = subscript_label(is);
            if (label == '\0') fail(is.pos, "an index tensor is read with bound index names, as in y[n,k]");
            index_labels.push_back(label);
        }
        labels.push_back('?');
    }
    // An index whose range the left side gives differently from the axis it reads is a
    // view too: t[i:5] = v[i] pads, t[i:2] = v[i] slices.
    for (std::size_t a = 0; a < labels.size(); ++a) {
        const char l = labels[a];
        if (l == '*' || l == '1' || l == '?' || !range_of(l) || *range_of(l) == x->shape().dims[a]) continue;
        affine[a] = Affine{{{l, 1}}, 0};
        labels[a] = '*';
    }
    if (labels.find('*') != std::string::npos) {
        if (pick_axis) fail(p.op.pos, "a pick through an index tensor takes plain indices elsewhere");
        return wrap_view(x, labels, affine, p.op.pos);
    }
    if (pick_axis && index_tensor->shape().rank() + 1 == x->shape().rank()) {
        // z[n, y[n]]: one element per row, y read by x's other indices. The index gets an
        // axis of 1 at the picked place (take_along_axis's shape), which then stretches.
        std::string others = labels;
        others.erase(*pick_axis, 1);
        if (others != index_labels)
            fail(p.op.pos, "a pick z[n, y[n]] reads the index tensor by the other indices of z, in their order");
        Shape with_one = index_tensor->shape();
        with_one.dims.insert(with_one.dims.begin() + static_cast<std::ptrdiff_t>(*pick_axis), 1);
        const std::size_t axis = *pick_axis;
        const Tensor y = guarded(p.op.pos, [&] { return ctx_.reshape(index_tensor, with_one); });
        x = guarded(p.op.pos, [&] { return ctx_.gather(x, axis, y); });
        labels = others;
        labels.insert(labels.begin() + static_cast<std::ptrdiff_t>(axis), '1');
        return wrap(x, labels);
    }
    if (pick_axis) {
        // take_along_axis: the index tensor covers x's trailing axes and gives their labels.
        const std::size_t lead = x->shape().rank() - index_tensor->shape().rank();
        if (index_tensor->shape().rank() > x->shape().rank() || *pick_axis < lead)
            fail(p.op.pos, "the index tensor " + index_tensor->shape().text() + " must cover the trailing axes of " +
                               x->shape().text() + " from the picked axis on, as take_along_axis reads it");
        for (std::size_t a = lead; a < labels.size(); ++a)
            if (a != *pick_axis && labels[a] != index_labels[a - lead])
                fail(subs[a].pos, "this index must be the one the index tensor has at its place, as in z[n, y[n,k]]");
        const std::size_t axis = *pick_axis;
        x = guarded(p.op.pos, [&] { return ctx_.gather(x, axis, index_tensor); });
        labels = labels.substr(0, lead) + index_labels;
    }
    // A repeated index reads a diagonal: M[i,i].
    for (std::size_t a = 0; a < labels.size(); ++a)
        for (std::size_t b = a + 1; b < labels.size(); ++b)
            if (labels[a] == labels[b] && labels[a] != '1') {
                x = guarded(p.op.pos, [&] { return ctx_.diagonal(x, a, b); });
                labels.erase(b, 1);
                b = a;
            }
    return wrap(x, labels);
}

// A read by affine indices, x[i+j], x[2*i+1], x[2]: a view, reading 0 outside x. The
// range of each index comes from the left side (t[i:3, j:2]), from a plain read of it
// here, or, for an index alone in its subscript, from staying inside x (as a slice).
Lazy TensorLowerer::wrap_view(Tensor x, const std::string& labels, const std::vector<std::optional<Affine>>& affine,
                              ast::Position at) {
    const Shape& in = x->shape();
    std::string out;
    for (std::size_t a = 0; a < labels.size(); ++a) {
        if (labels[a] != '*' && labels[a] != '1' && out.find(labels[a]) == std::string::npos) out.push_back(labels[a]);
        if (affine[a])
            for (const auto& [label, c] : affine[a]->terms)
                if (c != 0 && out.find(label) == std::string::npos) out.push_back(label);
    }
    Shape shape;
    for (const char c : out) {
        std::optional<std::int64_t> size = range_of(c);
        for (std::size_t a = 0; a < labels.size() && !size; ++a)
            if (labels[a] == c) size = in.dims[a];
        for (std::size_t a = 0; a < labels.size() && !size; ++a) {
            if (!affine[a] || affine[a]->terms.size() != 1 || affine[a]->terms[0].first != c) continue;
            const std::int64_t step = affine[a]->terms[0].second, offset = affine[a]->offset;
            if (step > 0 && in.dims[a] != kRows)
                size = std::max<std::int64_t>(0, (in.dims[a] - offset + step - 1) / step);
        }
        if (!size) {
            std::string name;
            for (const auto& [n, l] : indices_)
                if (l == c) name = std::string(n);
            fail(at,
                 "the range of the index '" + name + "' is unknown: give it on the left side, as in t[" + name + ":3]");
        }
        shape.dims.push_back(*size);
    }
    std::vector<std::int64_t> rows;
    for (std::size_t a = 0; a < labels.size(); ++a) {
        for (const char c : out) {
            std::int64_t coefficient = labels[a] == c ? 1 : 0;
            if (affine[a])
                for (const auto& [label, k] : affine[a]->terms)
                    if (label == c) coefficient = k;
            rows.push_back(coefficient);
        }
        rows.push_back(affine[a] ? affine[a]->offset : 0);
    }
    return wrap(guarded(at, [&] { return ctx_.view(x, shape, rows); }), out);
}

namespace {

// (a == b): the two sides of an equality in parentheses, or null.
const ast::Expr* indicator(const ast::Unary& u) {
    if (u.minus != 0 || !u.power.exponents.empty()) return nullptr;
    const auto* group = std::get_if<ast::Box<ast::Expr>>(&u.power.base.value);
    if (group == nullptr || (*group)->rest.size() != 1 || (*group)->rest[0].op.op != Op::Eq) return nullptr;
    return &**group;
}

}  // namespace

// The sums the index form writes with indicators, which add elements where they land:
//   sum(k, src[n,k] * (y[n,k] == c))                 scatter_add along the axis of c
//   sum(k, l, g[k,l] * (2*k+l == i) * (l == j))      the adjoint of a view
// Null when `body` is not of either form.
std::optional<Lazy> TensorLowerer::lower_indicator_sum(const ast::Expr& body, const std::vector<char>& summed,
                                                       ast::Position at, std::optional<Lazy>& whole) {
    if (!body.rest.empty() || !body.first.rest.empty()) return std::nullopt;
    const ast::Product& p = body.first.first;
    std::vector<const ast::Unary*> factors{&p.first};
    for (const ast::ProductTail& t : p.rest) {
        if (t.op != '*') return std::nullopt;
        factors.push_back(&t.operand);
    }
    std::vector<const ast::Expr*> indicators;
    const ast::Unary* value = nullptr;
    for (const ast::Unary* f : factors) {
        if (const ast::Expr* e = indicator(*f))
            indicators.push_back(e);
        else if (value == nullptr)
            value = f;
        else
            return std::nullopt;
    }
    if (indicators.empty() || value == nullptr) return std::nullopt;
    // Each indicator sets one index of the result: the right side is its name.
    std::string out;
    for (const ast::Expr* e : indicators) {
        const ast::Name* c = lone_name(e->rest[0].operand);
        const char label = c ? index_label(c->text()) : '\0';
        if (label == '\0' || std::find(summed.begin(), summed.end(), label) != summed.end()) return std::nullopt;
        out.push_back(label);
    }
    // The value factor, lowered once.
    const Lazy probe = [&] {
        ast::Expr e;
        e.pos = body.pos;
        e.first.first.first = *value;
        return lower(e);
    }();
    // Not of either form: the whole body, from the value already lowered (lowering it
    // again would double the work at every level of nested sums).
    const auto fallback = [&]() -> std::optional<Lazy> {
        std::vector<Lazy> parts;
        for (const ast::Unary* f : factors) {
            if (f == value) {
                parts.push_back(probe);
                continue;
            }
            ast::Expr e;
            e.pos = body.pos;
            e.first.first.first = *f;
            parts.push_back(lower(e));
        }
        Lazy product = std::move(parts.front());
        for (std::size_t k = 1; k < parts.size(); ++k)
            product = combine(Op::Mul, std::move(product), std::move(parts[k]), at);
        whole = std::move(product);
        return std::nullopt;
    };
    // scatter_add: one indicator whose left side reads an index tensor.
    if (indicators.size() == 1 && summed.size() == 1) {
        const ast::Operand* o = nullptr;
        const ast::Sum& lhs = indicators[0]->first;
        if (lhs.rest.empty() && lhs.first.rest.empty() && lhs.first.first.minus == 0 &&
            lhs.first.first.power.exponents.empty())
            o = &lhs.first.first.power.base;
        const auto* read = o ? std::get_if<ast::Box<ast::Postfix>>(&o->value) : nullptr;
        const Tensor index = read && (*read)->op.kind == '[' ? index_tensor_of((*read)->target) : nullptr;
        if (index != nullptr && (*read)->op.subscripts.size() == index->shape().rank()) {
            const Tensor y = index;
            std::string index_labels;
            for (const ast::Subscript& is : (*read)->op.subscripts) {
                const char label = subscript_label(is);
                if (label == '\0') return fallback();
                index_labels.push_back(label);
            }
            // The source is read over the result's indices with the summed one in place of c.
            const char k = summed[0], c = out[0];
            const std::string& source_order = probe.out;
            if (source_order.size() < index_labels.size() ||
                source_order.substr(source_order.size() - index_labels.size()) != index_labels)
                return fallback();
            const std::size_t axis = source_order.find(k);
            if (axis == std::string::npos || !range_of(c)) return fallback();
            const Tensor source = materialize(probe, source_order, at);
            Shape shape = source->shape();
            shape.dims[axis] = *range_of(c);
            std::string labels = source_order;
            labels[axis] = c;
            return wrap(guarded(at, [&] { return ctx_.scatter_add(shape, axis, y, source); }), labels);
        }
    }
    // The adjoint of a view: the value reads exactly the summed indices, and each
    // indicator's left side is an affine form of them.
    std::string read_labels = probe.out, summed_labels(summed.begin(), summed.end());
    std::sort(read_labels.begin(), read_labels.end());
    std::sort(summed_labels.begin(), summed_labels.end());
    if (read_labels != summed_labels) return fallback();
    Shape shape;
    for (const char c : out) {
        if (!range_of(c)) return fallback();
        shape.dims.push_back(*range_of(c));
    }
    const std::string view_order(summed.begin(), summed.end());
    std::vector<std::int64_t> rows;
    for (const ast::Expr* e : indicators) {
        ast::Expr lhs;
        lhs.pos = e->pos;
        lhs.first = e->first;
        const std::optional<Affine> a = affine_of(lhs);
        if (!a) return fallback();
        for (const char k : view_order) {
            std::int64_t coefficient = 0;
            for (const auto& [label, c] : a->terms) {
                if (std::find(summed.begin(), summed.end(), label) == summed.end() && c != 0) return fallback();
                if (label == k) coefficient = c;
            }
            rows.push_back(coefficient);
        }
        rows.push_back(a->offset);
    }
    const Tensor g = materialize(probe, view_order, at);
    return wrap(guarded(at, [&] { return ctx_.view_adjoint(g, shape, rows); }), out);
}

// sum(i, j, body) and amax(i, body): the index names first, bound while the body is read.
Lazy TensorLowerer::lower_index_reduction(const ast::Call& c, bool max) {
    std::vector<char> summed;
    const std::size_t outer = indices_.size();
    for (std::size_t k = 0; k + 1 < c.args.size(); ++k) {
        const ast::Operand* o = c.args[k].keyword.pos == nullptr ? lone_operand(c.args[k].value) : nullptr;
        const ast::Name* i = o ? std::get_if<ast::Name>(&o->value) : nullptr;
        if (i == nullptr) fail(c.args[k].value.pos, "sum(i, ...) takes index names first, then the body");
        push_index(*i);
        summed.push_back(indices_.back().second);
    }
    // Outside an index-form definition, sum(i, x[i]) is a value of the matrix form.
    const auto result = [&](Tensor t, const std::string& labels) { return outer == 0 ? wrap(t) : wrap(t, labels); };
    std::optional<Lazy> whole;
    if (!max)
        if (std::optional<Lazy> scattered = lower_indicator_sum(c.args.back().value, summed, c.name.pos, whole)) {
            indices_.resize(outer);
            return outer == 0 ? wrap(materialize(*scattered, c.name.pos)) : *scattered;
        }
    const Lazy body = whole ? std::move(*whole) : lower(c.args.back().value);
    indices_.resize(outer);
    std::string kept;
    for (const char l : body.out)
        if (std::find(summed.begin(), summed.end(), l) == summed.end()) kept.push_back(l);
    for (std::size_t k = 0; k < summed.size(); ++k)
        if (body.out.find(summed[k]) == std::string::npos)
            fail(c.args[k].value.pos, "the index is read nowhere in the body, so its range is unknown");
    const ast::Position at = c.name.pos;
    const Expr p0 = ctx_.placeholder(0), p1 = ctx_.placeholder(1);
    // A product of two reads summed over indices both read is a contraction, as @ is.
    bool product = !max && body.operands.size() == 2 && body.body->op() == Op::Mul &&
                   ((body.body->arg(0) == p0 && body.body->arg(1) == p1) ||
                    (body.body->arg(0) == p1 && body.body->arg(1) == p0)) &&
                   body.labels[0].find('1') == std::string::npos && body.labels[1].find('1') == std::string::npos;
    for (const char k : summed)
        product = product && body.labels[0].find(k) != std::string::npos && body.labels[1].find(k) != std::string::npos;
    if (product) {
        const std::string spec = body.labels[0] + "," + body.labels[1] + "->" + kept;
        return result(guarded(at, [&] { return ctx_.contract(spec, body.operands[0], body.operands[1]); }), kept);
    }
    const Tensor t = materialize(body, body.out, at);
    std::vector<std::size_t> axes;
    for (std::size_t a = 0; a < body.out.size(); ++a)
        if (std::find(summed.begin(), summed.end(), body.out[a]) != summed.end()) axes.push_back(a);
    return result(guarded(at, [&] { return max ? ctx_.max(t, axes) : ctx_.sum(t, axes); }), kept);
}

}  // namespace gradc::syntax
