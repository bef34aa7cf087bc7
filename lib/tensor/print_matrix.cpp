// The matrix form of each kind of node, with NumPy's conventions: contractions that are
// matrix products as `@` (with transposes and diag), elementwise ones as `*`, the
// rest by name; nothing for what NumPy cannot say without an einsum string, which the
// caller prints in index form.
#include <algorithm>
#include <string>

#include "tensor/checks.hpp"
#include "tensor/print.hpp"

namespace gradc::tensor {

namespace {

std::string axes_text(std::span<const std::size_t> axes) {
    if (axes.size() == 1) return std::to_string(axes[0]);
    std::string text = "(";
    for (std::size_t k = 0; k < axes.size(); ++k) text += (k ? ", " : "") + std::to_string(axes[k]);
    return text + ")";
}

// name(x, extra) in text; \operatorname{name}_{sub}(x) in LaTeX.
Fragment named(const Syntax& s, std::string_view name, std::string_view latex, const Fragment& x,
               const std::string& text_extra, const std::string& latex_sub, const Shape& shape) {
    Fragment f;
    if (s.latex()) {
        const Fragment args[] = {x};
        f = call(s, std::string(latex) + (latex_sub.empty() ? "" : "_{" + latex_sub + "}"), args);
    } else {
        const Fragment args[] = {x, atom(text_extra)};
        f = call(s, name, text_extra.empty() ? std::span<const Fragment>(args, 1) : std::span<const Fragment>(args));
    }
    f.shape = shape;
    return f;
}

Fragment transposed(const Syntax& s, const Fragment& x) {
    if (x.transposed) return *x.transposed;
    Fragment f = postfix(s, x, s.latex() ? "^\\top" : "'");
    if (x.shape.rank() == 2) f.shape = Shape{{x.shape.dims[1], x.shape.dims[0]}};
    if (x.prec == kPrintAtom) f.transposed = std::make_shared<const Fragment>(x);  // X'' is X
    return f;
}

// x, whose axes carry `have`, with its axes in the order `want`.
Fragment oriented(const Syntax& s, const Fragment& x, std::string_view have, std::string_view want) {
    if (have == want) return x;
    if (have.size() == 2) return transposed(s, x);
    std::vector<std::size_t> perm;
    Shape shape;
    for (const char c : want) {
        perm.push_back(have.find(c));
        shape.dims.push_back(x.shape.dims[perm.back()]);
    }
    std::string p = "(";
    for (std::size_t k = 0; k < perm.size(); ++k) p += (k ? ", " : "") + std::to_string(perm[k]);
    p += ")";
    return named(s, "transpose", "\\operatorname{transpose}", x, p, p, shape);
}

// Whether `x` transposes without a trailing ' around a compound text.
bool transposes_well(const Fragment& x) { return x.transposed || x.prec == kPrintAtom; }

Fragment matrix_product(const Syntax& s, const Fragment& a, const Fragment& b, Shape shape, bool transpose = true) {
    // LaTeX juxtaposes: X^\top (2 r), not X^\top 2 r.
    const bool digit = s.latex() && !b.text.empty() && b.text[0] >= '0' && b.text[0] <= '9';
    Fragment f = infix(s, a, s.latex() ? " " : " @ ", digit ? parenthesized(s, b, kPrintAtom + 1) : b, kPrintProduct,
                       Product::Matrix);
    f.shape = std::move(shape);
    // (A @ B)' = B' @ A', kept when both factors transpose well (names, diag, chains of
    // them); its own transpose is this product again, not built a third time.
    if (transpose && f.shape.rank() == 2 && a.shape.rank() == 2 && b.shape.rank() == 2 && transposes_well(a) &&
        transposes_well(b)) {
        Fragment t =
            matrix_product(s, transposed(s, b), transposed(s, a), Shape{{f.shape.dims[1], f.shape.dims[0]}}, false);
        t.transposed = std::make_shared<const Fragment>(f);
        f.transposed = std::make_shared<const Fragment>(std::move(t));
    }
    return f;
}

Fragment elementwise(const Syntax& s, const Fragment& a, const Fragment& b, Shape shape) {
    if (a.text == "1" || b.text == "1") {  // 1 * x is x exactly
        Fragment f = a.text == "1" ? b : a;
        f.shape = std::move(shape);
        return f;
    }
    Fragment f = infix(s, a, s.latex() ? " \\odot " : " * ", b, kPrintProduct, Product::Elementwise);
    f.shape = std::move(shape);
    return f;
}

Fragment scaled(const Syntax& s, const Fragment& scalar, const Fragment& x, Shape shape) {
    if (scalar.text == "1") {
        Fragment f = x;
        f.shape = std::move(shape);
        return f;
    }
    Fragment f = s.latex() ? infix(s, scalar, " ", x, kPrintProduct, Product::Matrix)
                           : infix(s, scalar, " * ", x, kPrintProduct, Product::Elementwise);
    f.shape = std::move(shape);
    return f;
}

Fragment diag(const Syntax& s, const Fragment& x, Shape shape) {
    const Fragment args[] = {x};
    Fragment f = call(s, s.latex() ? "\\operatorname{diag}" : "diag", args);
    f.shape = std::move(shape);
    if (f.shape.rank() == 2) f.transposed = std::make_shared<const Fragment>(f);  // symmetric
    return f;
}

std::string without(std::string_view labels, char c) {
    std::string rest;
    for (const char l : labels)
        if (l != c) rest.push_back(l);
    return rest;
}

bool is_subsequence(std::string_view part, std::string_view whole) {
    std::size_t at = 0;
    for (const char c : whole)
        if (at < part.size() && part[at] == c) ++at;
    return at == part.size();
}

std::optional<Fragment> contraction(const Syntax& s, Tensor t, const Fragment& fa, const Fragment& fb,
                                    std::span<const std::optional<Fragment>> expanded) {
    const std::string la(t->labels(0)), lb(t->labels(1)), lo(t->output_labels());
    const Shape& shape = t->shape();
    std::string summed;
    for (const char c : la + lb)
        if (lo.find(c) == std::string::npos && summed.find(c) == std::string::npos) summed.push_back(c);
    std::string sa = la, sb = lb;
    std::sort(sa.begin(), sa.end());
    std::sort(sb.begin(), sb.end());
    // The same labels on both sides: an elementwise product, summed over what the output drops.
    if (sa == sb && la == lb && la == lo && expanded[0] && expanded[1]) {
        if (broadcast_of(expanded[0]->shape, expanded[1]->shape) == shape)
            return elementwise(s, *expanded[0], *expanded[1], shape);
    }
    for (std::size_t k = 0; k < 2 && sa == sb && la == lb && la == lo; ++k)
        if (expanded[k] && broadcast_of(expanded[k]->shape, (k ? fa : fb).shape) == shape)
            return k ? elementwise(s, fa, *expanded[1], shape) : elementwise(s, *expanded[0], fb, shape);
    if (sa == sb && is_subsequence(lo, la)) {
        const Fragment product =
            la.empty() ? scaled(s, fa, fb, {}) : elementwise(s, fa, oriented(s, fb, lb, la), fa.shape);
        if (summed.empty()) return product;
        std::vector<std::size_t> axes;
        for (const char c : summed) axes.push_back(la.find(c));
        std::sort(axes.begin(), axes.end());
        if (axes.size() == la.size()) return named(s, "sum", "\\operatorname{sum}", product, "", "", shape);
        return named(s, "sum", "\\operatorname{sum}", product, "axis=" + axes_text(axes), axes_text(axes), shape);
    }
    if (la.empty()) return scaled(s, fa, oriented(s, fb, lb, lo), shape);
    if (lb.empty()) return scaled(s, fb, oriented(s, fa, la, lo), shape);
    if (la.size() > 2 || lb.size() > 2 || lo.size() > 2) return std::nullopt;
    const Fragment* f[] = {&fa, &fb};
    const std::string l[] = {la, lb};
    if (summed.size() == 1) {
        const char j = summed[0];
        const std::string free[] = {without(la, j), without(lb, j)};
        for (const char c : free[0])
            if (free[1].find(c) != std::string::npos) return std::nullopt;  // a batch label
        if (lo.size() == 2) {
            const std::size_t left = free[0] == std::string(1, lo[0]) ? 0 : 1;
            if (free[left] != std::string(1, lo[0]) || free[1 - left] != std::string(1, lo[1])) return std::nullopt;
            return matrix_product(s, oriented(s, *f[left], l[left], std::string{lo[0], j}),
                                  oriented(s, *f[1 - left], l[1 - left], std::string{j, lo[1]}), shape);
        }
        if (lo.size() == 1) {
            const std::size_t m = free[0] == lo ? 0 : 1;
            return matrix_product(s, oriented(s, *f[m], l[m], std::string{lo[0], j}), *f[1 - m], shape);
        }
        return matrix_product(s, fa, fb, shape);  // two vectors: their dot product
    }
    if (!summed.empty()) return std::nullopt;
    if (la.size() + lb.size() == 3) {  // a vector scaling the rows or the columns of a matrix
        const std::size_t v = la.size() == 1 ? 0 : 1;
        const Fragment m = oriented(s, *f[1 - v], l[1 - v], lo);
        const Fragment d = diag(s, *f[v], Shape{{f[v]->shape.dims[0], f[v]->shape.dims[0]}});
        return l[v][0] == lo[0] ? matrix_product(s, d, m, shape) : matrix_product(s, m, d, shape);
    }
    if (la.size() == 1 && lb.size() == 1) {  // an outer product
        const std::size_t first = la[0] == lo[0] ? 0 : 1;
        if (s.latex()) return matrix_product(s, *f[first], transposed(s, *f[1 - first]), shape);
        const Fragment args[] = {*f[first], *f[1 - first]};
        Fragment outer = call(s, "outer", args);
        outer.shape = shape;
        return outer;
    }
    return std::nullopt;
}

// x[start:stop:step] along an axis of `size` that keeps `count` elements, as NumPy
// writes it shortest: 1:, :-1, ::2.
std::string slice_text(std::int64_t start, std::int64_t step, std::int64_t count, std::int64_t size) {
    std::string text = start == 0 ? "" : std::to_string(start);
    text += ':';
    const std::int64_t stop = count == 0 ? start : start + step * (count - 1) + 1;
    if ((size - start + step - 1) / step != count)
        text += size - stop < stop ? "-" + std::to_string(size - stop) : std::to_string(stop);
    if (step != 1) text += ":" + std::to_string(step);
    return text;
}

Fragment padded(const Syntax& s, const Fragment& x, std::size_t axis, std::int64_t low, std::int64_t high,
                const Shape& shape) {
    const std::string widths = "(" + std::to_string(low) + ", " + std::to_string(high) + ")";
    if (s.latex()) {
        const Fragment args[] = {x, atom(widths)};
        Fragment f = call(s, "\\operatorname{pad}_{" + std::to_string(axis) + "}", args);
        f.shape = shape;
        return f;
    }
    const Fragment args[] = {x, atom(widths), atom("axis=" + std::to_string(axis))};
    Fragment f = call(s, "pad", args);
    f.shape = shape;
    return f;
}

Fragment sliced(const Syntax& s, const Fragment& x, std::vector<std::string> slices, const Shape& shape) {
    while (!slices.empty() && slices.back() == ":") slices.pop_back();
    Fragment f = element(s, x, slices);
    f.shape = shape;
    return f;
}

// A view that slices axes in place, pads one axis, or takes a matrix's diagonal.
std::optional<Fragment> view(const Syntax& s, Tensor t, const Fragment& x) {
    const Shape &in = t->operand(0)->shape(), &out = t->shape();
    const std::span<const std::int64_t> affine = t->affine();
    const std::size_t width = out.rank() + 1;
    if (in.rank() == 2 && out.rank() == 1 && std::ranges::equal(affine, std::vector<std::int64_t>{1, 0, 1, 0}))
        return diag(s, x, out);
    if (in.rank() != out.rank()) return std::nullopt;
    std::vector<std::string> slices;
    std::optional<std::size_t> pad_axis;
    std::int64_t low = 0, high = 0;
    for (std::size_t a = 0; a < in.rank(); ++a) {
        for (std::size_t k = 0; k < out.rank(); ++k)
            if (k != a && affine[a * width + k] != 0) return std::nullopt;
        const std::int64_t c = affine[a * width + a], o = affine[a * width + out.rank()];
        const std::int64_t size = in.dims[a], count = out.dims[a];
        if (c == 1 && o == 0 && count == size) {
            slices.push_back(":");
        } else if (c >= 1 && o >= 0 && size != kRows && (count == 0 || o + c * (count - 1) < size)) {
            slices.push_back(slice_text(o, c, count, size));
        } else if (c == 1 && o <= 0 && size != kRows && o + count >= size && !pad_axis) {
            pad_axis = a;
            low = -o;
            high = count - size + o;
            slices.push_back(":");
        } else {
            return std::nullopt;
        }
    }
    if (!pad_axis) return sliced(s, x, slices, out);
    if (std::any_of(slices.begin(), slices.end(), [](const std::string& e) { return e != ":"; })) return std::nullopt;
    return padded(s, x, *pad_axis, low, high, out);
}

// The adjoint of such a view: a pad where it sliced, a slice where it padded, a
// diagonal matrix from a diagonal.
std::optional<Fragment> view_adjoint(const Syntax& s, Tensor t, const Fragment& g) {
    const Shape &in = t->operand(0)->shape(), &out = t->shape();
    const std::span<const std::int64_t> affine = t->affine();
    const std::size_t width = in.rank() + 1;
    if (out.rank() == 2 && in.rank() == 1 && std::ranges::equal(affine, std::vector<std::int64_t>{1, 0, 1, 0}))
        return diag(s, g, out);
    if (in.rank() != out.rank()) return std::nullopt;
    std::vector<std::string> slices;
    std::optional<std::size_t> pad_axis;
    std::int64_t low = 0, high = 0;
    for (std::size_t a = 0; a < out.rank(); ++a) {
        for (std::size_t k = 0; k < in.rank(); ++k)
            if (affine[a * width + k] != (k == a ? 1 : 0)) return std::nullopt;
        const std::int64_t o = affine[a * width + in.rank()], size = out.dims[a], count = in.dims[a];
        if (o == 0 && count == size) {
            slices.push_back(":");
        } else if (o >= 0 && size != kRows && o + count <= size && !pad_axis) {
            pad_axis = a;
            low = o;
            high = size - count - o;
            slices.push_back(":");
        } else if (o <= 0 && size != kRows && o + count >= size) {
            slices.push_back(slice_text(-o, 1, size, count));
        } else {
            return std::nullopt;
        }
    }
    if (!pad_axis) return sliced(s, g, slices, out);
    if (std::any_of(slices.begin(), slices.end(), [](const std::string& e) { return e != ":"; })) return std::nullopt;
    return padded(s, g, *pad_axis, low, high, out);
}

std::optional<Fragment> map(const Syntax& s, Tensor t, std::span<const Fragment> operands,
                            std::span<const std::optional<Fragment>> expanded, std::size_t share_above,
                            const Share& share) {
    const std::vector<std::size_t> uses = placeholder_uses(t->body(), operands.size(), share_above);
    // A broadcast operand is left to NumPy's broadcasting where the result keeps its shape.
    const auto shape_of = [&](bool expand) {
        Shape shape;
        for (std::size_t k = 0; k < operands.size(); ++k)
            if (uses[k] > 0)
                shape =
                    broadcast_of(shape, expand && expanded[k] ? expanded[k]->shape : operands[k].shape).value_or(shape);
        return shape;
    };
    const bool expand = true;
    std::vector<Fragment> placeholders;
    std::vector<bool> tensors;
    for (std::size_t k = 0; k < operands.size(); ++k) {
        placeholders.push_back(expand && expanded[k] ? *expanded[k] : operands[k]);
        tensors.push_back(t->operand(k)->shape().rank() > 0);
    }
    Fragment body = print_body(s, t->body(), placeholders, tensors, share_above, share);
    body.shape = shape_of(expand);
    if (body.shape == t->shape()) return body;
    // The body alone has a smaller shape (a constant, or broadcast operands): broadcast
    // it whole, and let a map that reads it broadcast it by itself.
    Fragment f = named(s, "broadcast_to", "\\operatorname{broadcast}", body, shape_text(t->shape()),
                       shape_text(t->shape()), t->shape());
    f.narrow = std::make_shared<const Fragment>(body);
    return f;
}

}  // namespace

Fragment expanded_broadcast(const Syntax& s, Tensor t, const Fragment& x) {
    const std::span<const std::size_t> axes = t->axes();
    const Shape& to = t->shape();
    const std::size_t rank = t->operand(0)->shape().rank();
    Fragment f = x;
    f.shape = t->operand(0)->shape();
    if (rank == 0) return f;
    bool aligned = true;
    for (std::size_t k = 0; k < rank; ++k) aligned = aligned && axes[k] == to.rank() - rank + k;
    if (aligned) return f;
    std::vector<std::string> index;
    Shape shape;
    for (std::size_t a = axes[0], k = 0; a < to.rank(); ++a) {
        const bool carried = k < rank && axes[k] == a;
        index.push_back(carried ? ":" : "None");
        shape.dims.push_back(carried ? f.shape.dims[k++] : 1);
    }
    while (!index.empty() && index.back() == ":") index.pop_back();
    if (!s.latex()) f = element(s, x, index);
    f.shape = shape;
    return f;
}

std::optional<Fragment> matrix_fragment(const Syntax& s, Tensor t, std::span<const Fragment> operands,
                                        std::span<const std::optional<Fragment>> expanded, std::size_t share_above,
                                        const Share& share) {
    const Shape& shape = t->shape();
    switch (t->kind()) {
        case TensorKind::Param:
        case TensorKind::Data: return atom(name_text(s, t->name()), shape);
        case TensorKind::Constant: {
            Fragment f = shape.rank() == 0 ? number(s, t->values()[0]) : literal(s, t);
            f.shape = shape;
            return f;
        }
        case TensorKind::Map: return map(s, t, operands, expanded, share_above, share);
        case TensorKind::Contract: return contraction(s, t, operands[0], operands[1], expanded);
        case TensorKind::Sum:
        case TensorKind::Max: {
            const bool max = t->kind() == TensorKind::Max;
            const std::string_view name = max ? "amax" : "sum", latex = max ? "\\max" : "\\operatorname{sum}";
            if (t->axes().size() == t->operand(0)->shape().rank())
                return named(s, name, latex, operands[0], "", "", shape);
            const std::string axes = axes_text(t->axes());
            return named(s, name, latex, operands[0], "axis=" + axes, axes, shape);
        }
        case TensorKind::Broadcast: {
            const Fragment x = expanded_broadcast(s, t, operands[0]);
            Fragment f =
                named(s, "broadcast_to", "\\operatorname{broadcast}", x, shape_text(shape), shape_text(shape), shape);
            f.narrow = std::make_shared<const Fragment>(x);
            return f;
        }
        case TensorKind::Permute: {
            std::string have, want;
            for (std::size_t k = 0; k < shape.rank(); ++k) {
                have.push_back(static_cast<char>('a' + k));
                want.push_back(static_cast<char>('a' + t->axes()[k]));
            }
            return oriented(s, operands[0], have, want);
        }
        case TensorKind::Reshape:
            return named(s, "reshape", "\\operatorname{reshape}", operands[0], shape_text(shape), shape_text(shape),
                         shape);
        case TensorKind::Gather: {
            if (t->operand(1)->shape().rank() != t->operand(0)->shape().rank()) return std::nullopt;
            const std::string axis = std::to_string(t->axes()[0]);
            Fragment f;
            if (s.latex()) {
                f = call(s, "\\operatorname{take}_{" + axis + "}", operands);
            } else {
                const Fragment args[] = {operands[0], operands[1], atom("axis=" + axis)};
                f = call(s, "take_along_axis", args);
            }
            f.shape = shape;
            return f;
        }
        case TensorKind::ScatterAdd: return std::nullopt;
        case TensorKind::Delta: {
            if (shape.rank() != 2) return std::nullopt;
            const std::string n = std::to_string(shape.dims[0]);
            if (s.latex()) return atom("I_{" + n + "}", shape);
            const Fragment args[] = {atom(n)};
            Fragment f = call(s, "eye", args);
            f.shape = shape;
            return f;
        }
        case TensorKind::View: return view(s, t, operands[0]);
        case TensorKind::ViewAdjoint: return view_adjoint(s, t, operands[0]);
    }
    return std::nullopt;
}

}  // namespace gradc::tensor
