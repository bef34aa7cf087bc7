#include "parse/lower_tensor.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include "gradc/error.hpp"
#include "parse/lower.hpp"

namespace gradc::syntax {

namespace {

// Where an operand starts, for messages about it.
ast::Position position(const ast::Operand& o) {
    switch (o.value.index()) {
        case 0: return std::get<ast::Number>(o.value).pos;
        case 1: return std::get<ast::Name>(o.value).pos;
        case 2: return std::get<ast::Box<ast::Call>>(o.value)->name.pos;
        case 3: return std::get<ast::Box<ast::Expr>>(o.value)->pos;
        case 4: return position(std::get<ast::Box<ast::Postfix>>(o.value)->target);
        case 5: return std::get<ast::Box<ast::List>>(o.value)->pos;
        default: return std::get<ast::Box<ast::Tuple>>(o.value)->pos;
    }
}

}  // namespace

TensorLowerer::TensorLowerer(TensorContext& ctx, std::string_view source) : ctx_(ctx), source_(source) {}

void TensorLowerer::fail(ast::Position at, std::string message) const {
    throw ParseError(make_diagnostic(source_, static_cast<std::size_t>(at - source_.data()), std::move(message)));
}

Tensor TensorLowerer::guarded(ast::Position at, const std::function<Tensor()>& build) const {
    try {
        return build();
    } catch (const SemanticError& e) {
        fail(at, e.what());
    }
}

// --- statements ---------------------------------------------------------------------

void TensorLowerer::check_new_name(const ast::Name& name, std::string_view what) const {
    const std::string_view text = name.text();
    if (named_constant(text))
        fail(name.pos, quoted(text) + " is a constant; choose another name for the " + std::string(what));
    if (text == "N" || text == "None")
        fail(name.pos, quoted(text) +
                           " is a word of the language (the rows; a new axis); choose another name for the " +
                           std::string(what));
    if (find_function(text) || is_tensor_function(text))
        fail(name.pos, quoted(text) + " is a function; choose another name for the " + std::string(what));
    if (const auto it = names_.find(text); it != names_.end())
        fail(name.pos,
             quoted(text) + " is already " +
                 (it->second.tensor->kind() == TensorKind::Param || it->second.tensor->kind() == TensorKind::Data
                      ? "declared"
                      : "bound") +
                 " on line " +
                 std::to_string(
                     make_diagnostic(source_, static_cast<std::size_t>(it->second.pos - source_.data()), {}).line) +
                 "; choose a new name");
}

void TensorLowerer::declaration(ast::Declaration&& d) {
    if (results_started_) fail(d.name.pos, "declaration after the results: declarations and bindings come first");
    check_new_name(d.name, "declaration");
    const std::string_view kind = d.kind.text();
    if (kind != "param" && kind != "data")
        fail(d.kind.pos, "expected 'param' (a trained parameter) or 'data' (an input), found " + quoted(kind));
    const bool data = kind == "data";
    Shape shape;
    for (const ast::Name& dim : d.dims) {
        const std::string_view text = dim.text();
        if (text == "N") {
            if (!data) fail(dim.pos, "N, the rows of the data, is a dimension of data only; a param has a fixed shape");
            shape.dims.push_back(kRows);
            continue;
        }
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(dim.pos, dim.pos + dim.length, value);
        if (ec != std::errc() || end != dim.pos + dim.length)
            fail(dim.pos, "a dimension is a whole number, or N for the rows of the data; found " + quoted(text));
        shape.dims.push_back(value);
    }
    ElementType type = ElementType::Real;
    if (d.type.pos != nullptr) {
        if (d.type.text() == "int") {
            if (!data) fail(d.type.pos, "a param is real; only data may hold indices ('int')");
            type = ElementType::Index;
        } else if (d.type.text() != "real") {
            fail(d.type.pos,
                 "expected 'int' (indices) or 'real' after the shape, or ';', found " + quoted(d.type.text()));
        }
    }
    const std::string name(d.name.text());
    const Tensor t = guarded(d.name.pos, [&] { return data ? ctx_.data(name, shape, type) : ctx_.param(name, shape); });
    names_.emplace(d.name.text(), Entry{t, d.name.pos});
    out_.inputs.push_back(t);
    ended_with_binding_ = false;
}

void TensorLowerer::binding(const ast::BindingHead& head) {
    if (results_started_)
        fail(head.name.pos,
             "statement after the results: bindings ('name = ...;') come first, and several results "
             "are separated by ','");
    check_new_name(head.name, "binding");
    value_ = Value{};
    value_.is_binding = true;
    value_.head = head;
    value_.pos = head.assign;
    indices_.clear();
    ranges_.clear();
    for (const ast::IndexName& i : head.indices) {
        push_index(i.name);
        if (i.range.pos == nullptr) continue;
        std::int64_t size = kRows;
        if (i.range.text() != "N") {
            const auto [end, ec] = std::from_chars(i.range.pos, i.range.pos + i.range.length, size);
            if (ec != std::errc() || end != i.range.pos + i.range.length)
                fail(i.range.pos, "an index's range is a whole number, or N for the rows");
        }
        ranges_.emplace_back(indices_.back().second, size);
    }
}

void TensorLowerer::result(ast::Position pos, bool) {
    results_started_ = true;
    value_ = Value{};
    value_.pos = pos;
    indices_.clear();
}

void TensorLowerer::term(char op, ast::Position pos, ast::Product&& p) {
    Lazy t = lower(p);
    if (value_.terms++ == 0)
        value_.sum = std::move(t);
    else
        value_.sum = combine(op == '+' ? Op::Add : Op::Sub, std::move(*value_.sum), std::move(t), pos);
}

void TensorLowerer::compare(ast::Comparison&& c) {
    if (value_.compared)
        fail(c.op.pos,
             "comparisons do not chain: compare two values at a time, and multiply comparisons to require "
             "both");
    Lazy rhs = lower(c.operand);
    value_.sum = combine(c.op.op, std::move(*value_.sum), std::move(rhs), c.op.pos);
    value_.compared = true;
}

void TensorLowerer::end_value(ast::Position) {
    const Lazy& v = *value_.sum;
    if (!value_.is_binding) {
        out_.outputs.push_back(materialize(v, value_.pos));
        ended_with_binding_ = false;
        return;
    }
    const ast::BindingHead& head = value_.head;
    Tensor t;
    if (head.indices.empty()) {
        t = materialize(v, head.assign);
    } else {
        std::string want;
        for (const ast::IndexName& i : head.indices) want.push_back(index_label(i.name.text()));
        for (std::size_t k = 0; k < want.size(); ++k)
            if (v.out.find(want[k]) == std::string::npos && !range_of(want[k]))
                fail(head.indices[k].name.pos, "the index " + quoted(head.indices[k].name.text()) +
                                                   " is read nowhere on the right side, so its range is unknown: "
                                                   "give it, as in " +
                                                   quoted(std::string(head.indices[k].name.text()) + ":3"));
        t = materialize(v, want, head.assign);
    }
    indices_.clear();
    ranges_.clear();
    names_.emplace(head.name.text(), Entry{t, head.name.pos});
    out_.bindings.emplace_back(std::string(head.name.text()), t);
    ended_with_binding_ = true;
}

TensorProgram TensorLowerer::finish() && {
    if (out_.outputs.empty())
        fail(source_.data() + source_.size(),
             ended_with_binding_ || !out_.bindings.empty()
                 ? "missing result: after the declarations and bindings, write the expression to compute"
                 : "missing result: after the declarations, write the expression to compute, as in sum(x @ w)");
    return std::move(out_);
}

// --- index names --------------------------------------------------------------------

std::optional<std::int64_t> TensorLowerer::range_of(char label) const noexcept {
    for (const auto& [l, size] : ranges_)
        if (l == label) return size;
    return std::nullopt;
}

char TensorLowerer::index_label(std::string_view name) const noexcept {
    for (auto it = indices_.rbegin(); it != indices_.rend(); ++it)
        if (it->first == name) return it->second;
    return '\0';
}

void TensorLowerer::push_index(const ast::Name& name) {
    const std::string_view text = name.text();
    if (names_.count(text) != 0)
        fail(name.pos, quoted(text) + " is a tensor; an index needs a name of its own, such as i, j or n");
    if (index_label(text) != '\0') fail(name.pos, "the index " + quoted(text) + " is already bound here");
    if (indices_.size() >= 52) fail(name.pos, "more than 52 indices in one definition");
    const std::size_t k = indices_.size();
    indices_.emplace_back(text, k < 26 ? static_cast<char>('a' + k) : static_cast<char>('A' + (k - 26)));
}

// --- expressions --------------------------------------------------------------------

Lazy TensorLowerer::lower(const ast::Expr& e) {
    // (i == j) in an index form: 1 where the indices are equal, a delta.
    if (in_index_form() && e.rest.size() == 1 && e.rest[0].op.op == Op::Eq) {
        const ast::Name* i = lone_name(e.first);
        const ast::Name* j = lone_name(e.rest[0].operand);
        if (i != nullptr && j != nullptr && index_label(i->text()) != '\0' && index_label(j->text()) != '\0') {
            const char a = index_label(i->text()), b = index_label(j->text());
            if (a == b) return constant(1.0);
            const std::optional<std::int64_t> size = range_of(a) ? range_of(a) : range_of(b);
            if (!size)
                fail(i->pos, "the range of (" + std::string(i->text()) + " == " + std::string(j->text()) +
                                 ") is unknown: give it on the left side, as in t[" + std::string(i->text()) + ":3, " +
                                 std::string(j->text()) + ":3]");
            return wrap(guarded(i->pos, [&] { return ctx_.delta(Shape{{*size}}); }), std::string{a, b});
        }
    }
    Lazy lhs = lower(e.first);
    if (e.rest.empty()) return lhs;
    if (e.rest.size() > 1) fail(e.rest[1].op.pos, "comparisons do not chain: compare two values at a time");
    Lazy rhs = lower(e.rest[0].operand);
    return combine(e.rest[0].op.op, std::move(lhs), std::move(rhs), e.rest[0].op.pos);
}

Lazy TensorLowerer::lower(const ast::Sum& s) {
    Lazy acc = lower(s.first);
    for (const ast::SumTail& t : s.rest)
        acc = combine(t.op == '+' ? Op::Add : Op::Sub, std::move(acc), lower(t.operand), t.pos);
    return acc;
}

// A product chain. diag(v) @ M and M @ diag(v) scale M's rows or columns without
// building the diagonal matrix (as the printers write that contraction), so they also
// work for a vector over the rows N: diag(v) stays pending (Lazy::diagonal) until an
// '@' takes it or something else settles it into a matrix.
Lazy TensorLowerer::lower(const ast::Product& p) {
    Lazy acc = negate(lower(p.first.power), p.first.minus, position(p.first.power.base));
    for (const ast::ProductTail& t : p.rest) {
        Lazy rhs = negate(lower(t.operand.power), t.operand.minus, t.pos);
        if (t.op != '@') {
            acc = combine(t.op == '*' ? Op::Mul : Op::Div, std::move(acc), std::move(rhs), t.pos);
            continue;
        }
        if (acc.index || rhs.index)
            fail(t.pos, "'@' is the matrix form; in an index form, write sum(j, a[i,j] * b[j,k])");
        if (acc.diagonal != nullptr) {
            const Tensor v = acc.diagonal, b = materialize(rhs, t.pos);
            const char* spec = b->shape().rank() == 2 ? "i,ij->ij" : "i,i->i";
            acc = wrap(guarded(t.pos, [&] { return ctx_.contract(spec, v, b); }));
        } else if (rhs.diagonal != nullptr) {
            const Tensor a = materialize(acc, t.pos), v = rhs.diagonal;
            const char* spec = a->shape().rank() == 2 ? "ij,j->ij" : "j,j->j";
            acc = wrap(guarded(t.pos, [&] { return ctx_.contract(spec, a, v); }));
        } else {
            const Tensor a = materialize(acc, t.pos), b = materialize(rhs, t.pos);
            acc = wrap(guarded(t.pos, [&] { return ctx_.matmul(a, b); }));
        }
    }
    return settled(std::move(acc));
}

// base ^ e1 ^ ... ^ en is base ^ (e1 ^ (... ^ en)), as in scalar formulas.
Lazy TensorLowerer::lower(const ast::Power& p) {
    Lazy base = lower(p.base);
    if (p.exponents.empty()) return base;
    std::vector<Lazy> exponents;
    for (const ast::Exponent& x : p.exponents) exponents.push_back(lower(x.operand));
    std::size_t i = p.exponents.size() - 1;
    Lazy acc = negate(std::move(exponents[i]), p.exponents[i].minus, position(p.exponents[i].operand));
    while (i-- > 0) {
        const ast::Position at = position(p.exponents[i].operand);
        acc = negate(combine(Op::Pow, std::move(exponents[i]), std::move(acc), at), p.exponents[i].minus, at);
    }
    return combine(Op::Pow, std::move(base), std::move(acc), position(p.base));
}

Lazy TensorLowerer::lower(const ast::Operand& o) {
    switch (o.value.index()) {
        case 0: return lower_number(std::get<ast::Number>(o.value));
        case 1: return lower_name(std::get<ast::Name>(o.value));
        case 2: return lower_call(*std::get<ast::Box<ast::Call>>(o.value));
        case 3: return lower(*std::get<ast::Box<ast::Expr>>(o.value));
        case 4: return lower_postfix(*std::get<ast::Box<ast::Postfix>>(o.value));
        case 5: return lower_list(*std::get<ast::Box<ast::List>>(o.value));
        default:
            fail(std::get<ast::Box<ast::Tuple>>(o.value)->pos,
                 "a tuple '(a, b, ...)' is an argument of tensor functions only, as in sum(x, axis=(0, 1))");
    }
}

Lazy TensorLowerer::lower_number(const ast::Number& n) {
    double value = 0.0;
    const auto [end, ec] = std::from_chars(n.pos, n.pos + n.length, value);
    if (ec != std::errc() || end != n.pos + n.length) fail(n.pos, "number out of range: " + std::string(n.text()));
    return constant(value);
}

Lazy TensorLowerer::lower_name(const ast::Name& n) {
    const std::string_view name = n.text();
    if (const auto it = names_.find(name); it != names_.end()) {
        const Tensor t = it->second.tensor;
        if (in_index_form() && t->shape().rank() > 0)
            fail(n.pos, quoted(name) + " has the shape " + t->shape().text() +
                            "; an index-form definition reads its elements, as in " + std::string(name) + "[i]");
        if (t->type() == ElementType::Index)
            fail(n.pos, quoted(name) +
                            " holds indices: it is read by take_along_axis or inside a subscript, "
                            "as in z[n, " +
                            std::string(name) + "[n,k]]");
        return in_index_form() ? wrap(t, "") : wrap(t);
    }
    if (auto c = named_constant(name)) return constant(*c);
    if (index_label(name) != '\0')
        fail(n.pos, "the index " + quoted(name) + " is not a value; use it in a subscript, as in x[" +
                        std::string(name) + "]");
    if (find_function(name)) fail(n.pos, quoted(name) + " is a function: call it as " + std::string(name) + "(...)");
    fail(n.pos, quoted(name) +
                    " is not declared: in a tensor program every tensor is declared before its first "
                    "use, as in '" +
                    std::string(name) + ": param[3]' or '" + std::string(name) +
                    ": data[N,3]' (an index is bound by a definition's left side, h[i] = ..., or by sum(i, ...))");
}

Lazy TensorLowerer::lower_postfix(const ast::Postfix& p) {
    if (p.op.kind == '[' && in_index_form()) return lower_element(p);
    if (in_index_form())
        fail(p.op.pos, "a transpose is the matrix form; in an index form, swap the indices instead: W[j,i]");
    const Tensor x = materialize(lower(p.target), p.op.pos);
    if (p.op.kind != '[') return wrap(guarded(p.op.pos, [&] { return ctx_.transpose(x); }));
    return sliced(x, p.op);
}

// NumPy's basic slicing: for each axis in turn an index (the axis goes), a slice
// start:stop:step (negative bounds count from the end, and bounds past the end are
// clamped), or None (a new axis of 1).
Lazy TensorLowerer::sliced(Tensor x, const ast::PostfixOp& op) {
    const Shape& in = x->shape();
    std::size_t axis = 0;
    Shape out;
    bool reshape = false;
    for (const ast::Subscript& s : op.subscripts) {
        if (s.colons == 0 && !s.start) fail(s.pos, "empty subscript: write an index, a slice such as 1:, or None");
        if (s.colons == 0 && s.start) {
            const ast::Name* none = nullptr;
            const ast::Expr& e = *s.start;
            if (e.rest.empty() && e.first.rest.empty() && e.first.first.rest.empty() &&
                e.first.first.first.minus == 0 && e.first.first.first.power.exponents.empty())
                none = std::get_if<ast::Name>(&e.first.first.first.power.base.value);
            if (none != nullptr && none->text() == "None") {
                out.dims.push_back(1);
                reshape = true;
                continue;
            }
        }
        if (axis >= in.rank()) fail(s.pos, "too many subscripts for the shape " + in.text());
        const std::int64_t size = in.dims[axis];
        if (size == kRows) {
            if (s.colons == 0 || s.start || s.stop || s.step)
                fail(s.pos, "the rows N are taken whole (:); slices and indices take fixed axes");
            out.dims.push_back(kRows);
            ++axis;
            continue;
        }
        const auto bound = [&](const std::optional<ast::Expr>& e, std::int64_t otherwise) {
            if (!e) return otherwise;
            std::int64_t v = whole_number(*e, "a slice bound");
            if (v < 0) v += size;
            return std::clamp<std::int64_t>(v, 0, size);
        };
        if (s.colons == 0) {
            std::int64_t k = whole_number(*s.start, "an index");
            if (k < -size || k >= size)
                fail(s.pos, "the index " + std::to_string(k) + " is outside an axis of " + std::to_string(size));
            if (k < 0) k += size;
            const std::size_t a = axis;
            x = guarded(s.pos, [&] { return ctx_.slice(x, a, k, k + 1); });
            reshape = true;  // the axis goes
            ++axis;
            continue;
        }
        const std::int64_t step = s.step ? whole_number(*s.step, "a slice step") : 1;
        if (step < 1) fail(s.pos, "a slice step is 1 or more (reversed slices are not supported)");
        const std::int64_t start = bound(s.start, 0);
        const std::int64_t stop = std::max(start, bound(s.stop, size));
        if (start != 0 || stop != size || step != 1) {
            const std::size_t a = axis;
            x = guarded(s.pos, [&] { return ctx_.slice(x, a, start, stop, step); });
        }
        out.dims.push_back(x->shape().dims[axis]);
        ++axis;
    }
    for (; axis < in.rank(); ++axis) out.dims.push_back(x->shape().dims[axis]);
    if (reshape) x = guarded(op.pos, [&] { return ctx_.reshape(x, out); });
    return wrap(x);
}

// [[1, 2], [3, 4]]: every item a number or a list of the same shape.
Lazy TensorLowerer::lower_list(const ast::List& l) {
    if (in_index_form()) fail(l.pos, "a list is a constant of the matrix form; bind it first: c = [1, 2];");
    std::vector<double> values;
    std::optional<Shape> item_shape;
    for (const ast::Expr& item : l.items) {
        const Lazy v = lower(item);
        Shape shape;
        if (v.operands.empty()) {
            values.push_back(v.body->value());
        } else {
            const Tensor t = materialize(v, item.pos);
            if (t->kind() != TensorKind::Constant)
                fail(item.pos, "a list holds numbers and lists of numbers; this item depends on a tensor");
            shape = t->shape();
            values.insert(values.end(), t->values().begin(), t->values().end());
        }
        if (item_shape && *item_shape != shape)
            fail(item.pos, "the items of a list have one shape: this one is " + shape.text() + ", the first " +
                               item_shape->text());
        item_shape = shape;
    }
    Shape shape{{static_cast<std::int64_t>(l.items.size())}};
    if (item_shape) shape.dims.insert(shape.dims.end(), item_shape->dims.begin(), item_shape->dims.end());
    return wrap(guarded(l.pos, [&] { return ctx_.constant(std::move(values), shape); }));
}

std::int64_t TensorLowerer::whole_number(const ast::Expr& e, std::string_view what) {
    const Lazy v = outside_index_form([&] { return lower(e); });
    if (!v.operands.empty() || !v.body->is_const())
        fail(e.pos, std::string(what) + " is a whole number written out, not an expression of tensors");
    const double d = v.body->value();
    if (!(std::abs(d) <= 1e15) || d != std::floor(d))
        fail(e.pos, std::string(what) + " is a whole number; this is " + std::to_string(d));
    return static_cast<std::int64_t>(d);
}

}  // namespace gradc::syntax
