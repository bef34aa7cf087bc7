// The functions of the matrix form, each built from the tensor IR's kinds (tensor.hpp).
#include <algorithm>

#include "parse/lower_tensor.hpp"

namespace gradc::syntax {

std::vector<const ast::Expr*> TensorLowerer::tuple_items(const ast::Expr& e) {
    if (const ast::Operand* o = lone_operand(e))
        if (const auto* t = std::get_if<ast::Box<ast::Tuple>>(&o->value)) {
            std::vector<const ast::Expr*> items;
            for (const ast::Expr& item : (*t)->items) items.push_back(&item);
            return items;
        }
    return {&e};
}

Tensor TensorLowerer::tensor_argument(const ast::Expr& e) { return materialize(lower(e), e.pos); }

std::vector<std::size_t> TensorLowerer::axes_argument(const ast::Expr* axis, const Shape& of) {
    std::vector<std::size_t> axes;
    if (axis == nullptr) {
        for (std::size_t k = 0; k < of.rank(); ++k) axes.push_back(k);
        return axes;
    }
    for (const ast::Expr* item : tuple_items(*axis)) {
        std::int64_t a = whole_number(*item, "an axis");
        const auto rank = static_cast<std::int64_t>(of.rank());
        if (a < -rank || a >= rank)
            fail(item->pos, "axis " + std::to_string(a) + " is outside the shape " + of.text() + " (axes 0 to " +
                                std::to_string(rank - 1) + ", or -1 for the last)");
        if (a < 0) a += rank;
        axes.push_back(static_cast<std::size_t>(a));
    }
    return axes;
}

std::size_t TensorLowerer::single_axis(const ast::Expr* axis, const Shape& of) {
    const std::vector<std::size_t> axes = axes_argument(axis, of);
    if (axes.size() != 1) fail(axis->pos, "one axis here, as in axis=1");
    return axes.front();
}

Shape TensorLowerer::shape_argument(const ast::Expr& e) {
    Shape shape;
    for (const ast::Expr* item : tuple_items(e)) {
        const ast::Operand* o = lone_operand(*item);
        const ast::Name* n = o ? std::get_if<ast::Name>(&o->value) : nullptr;
        if (n != nullptr && n->text() == "N") {
            shape.dims.push_back(kRows);
            continue;
        }
        const std::int64_t d = whole_number(*item, "a dimension");
        if (d < 0) fail(item->pos, "a dimension is 0 or more");
        shape.dims.push_back(d);
    }
    return shape;
}

Lazy TensorLowerer::lower_tensor_function(std::string_view name, const ast::Call& c,
                                          std::span<const ast::Expr* const> args, const ast::Expr* axis) {
    const ast::Position at = c.name.pos;
    const auto build = [&](const std::function<Tensor()>& f) { return wrap(guarded(at, f)); };
    const auto require_axis = [&] {
        if (axis == nullptr)
            fail(at, std::string(name) + " needs the axis, as in " + std::string(name) + "(x, axis=1)");
    };
    if (name == "sum" || name == "amax" || name == "mean" || name == "logsumexp") {
        const Tensor x = tensor_argument(*args[0]);
        const std::vector<std::size_t> axes = axes_argument(axis, x->shape());
        if (name == "sum") return build([&] { return ctx_.sum(x, axes); });
        if (name == "amax") return build([&] { return ctx_.max(x, axes); });
        if (name == "mean") return build([&] { return ctx_.mean(x, axes); });
        return build([&] { return ctx_.logsumexp(x, axes); });
    }
    if (name == "softmax" || name == "log_softmax") {
        // exp(z - logsumexp(z)) and z - logsumexp(z), the logsumexp stretched back over
        // the reduced axes: one elementwise map that later operators may extend.
        const Tensor z = tensor_argument(*args[0]);
        const std::vector<std::size_t> axes = axes_argument(axis, z->shape());
        const Tensor lse = guarded(at, [&] { return ctx_.logsumexp(z, axes); });
        std::vector<std::size_t> kept;
        for (std::size_t k = 0; k < z->shape().rank(); ++k)
            if (std::find(axes.begin(), axes.end(), k) == axes.end()) kept.push_back(k);
        const Tensor stretched = guarded(at, [&] { return ctx_.broadcast(lse, z->shape(), kept); });
        Lazy v;
        ExprContext& s = ctx_.scalars();
        const Expr difference = s.make(Op::Sub, ctx_.placeholder(0), ctx_.placeholder(1));
        v.body = name == "softmax" ? s.make(Op::Exp, difference) : difference;
        v.operands = {z, stretched};
        v.labels = {std::string(), std::string()};
        v.shape = z->shape();
        return v;
    }
    if (name == "take_along_axis") {
        require_axis();
        const Tensor x = tensor_argument(*args[0]);
        const ast::Operand* o = lone_operand(*args[1]);
        Tensor y = o ? index_tensor_of(*o) : nullptr;
        if (y == nullptr)
            fail(args[1]->pos,
                 "take_along_axis picks by an index tensor: declare it as data with 'int', as in "
                 "'y: data[N] int'");
        const std::size_t a = single_axis(axis, x->shape());
        if (y->shape().rank() + 1 != x->shape().rank()) return build([&] { return ctx_.gather(x, a, y); });
        // One label per row (y: data[N] int): the pick z[n, y[n]], the picked axis gone.
        Shape with_one = y->shape();
        with_one.dims.insert(with_one.dims.begin() + static_cast<std::ptrdiff_t>(a), 1);
        y = guarded(at, [&] { return ctx_.reshape(y, with_one); });
        const Tensor picked = guarded(at, [&] { return ctx_.gather(x, a, y); });
        Shape without = picked->shape();
        without.dims.erase(without.dims.begin() + static_cast<std::ptrdiff_t>(a));
        return build([&] { return ctx_.reshape(picked, without); });
    }
    if (name == "diag") {
        const Tensor x = tensor_argument(*args[0]);
        if (x->shape().rank() == 2) return build([&] { return ctx_.diagonal(x, 0, 1); });
        if (x->shape().rank() != 1)
            fail(at, "diag takes a vector (a diagonal matrix) or a matrix (its diagonal); the shape is " +
                         x->shape().text());
        Lazy pending;  // the matrix only if no '@' takes it (lower(Product))
        pending.diagonal = x;
        pending.diagonal_at = at;
        return pending;
    }
    if (name == "outer") {
        const Tensor a = tensor_argument(*args[0]), b = tensor_argument(*args[1]);
        return build([&] { return ctx_.contract("i,j->ij", a, b); });
    }
    if (name == "eye") {
        const std::int64_t n = whole_number(*args[0], "the size of eye");
        if (n < 0) fail(args[0]->pos, "the size of eye is 0 or more");
        return build([&] { return ctx_.delta(Shape{{n}}); });
    }
    if (name == "transpose") {
        const Tensor x = tensor_argument(*args[0]);
        if (args.size() == 1) return build([&] { return ctx_.transpose(x); });
        const std::vector<std::size_t> perm = axes_argument(args[1], x->shape());
        return build([&] { return ctx_.permute(x, perm); });
    }
    if (name == "reshape" || name == "broadcast_to") {
        // An index tensor may be reshaped: reshape(y, (N, 1)).
        const ast::Operand* o = name == "reshape" ? lone_operand(*args[0]) : nullptr;
        const Tensor index = o ? index_tensor_of(*o) : nullptr;
        const Tensor x = index ? index : tensor_argument(*args[0]);
        const Shape to = shape_argument(*args[1]);
        if (name == "reshape") return build([&] { return ctx_.reshape(x, to); });
        return build([&] { return ctx_.broadcast_to(x, to); });
    }
    if (name == "full") {
        const Shape to = shape_argument(*args[0]);
        const Lazy v = lower(*args[1]);
        if (!v.operands.empty() || !v.body->is_const()) fail(args[1]->pos, "full takes a number to fill with");
        const double value = v.body->value();
        // Large or over N: a stretched number, not an array the text would have to allocate.
        if (to.has_rows() || to.elements() > kLargestConstant)
            return build([&] { return ctx_.broadcast_to(ctx_.scalar(value), to); });
        return build([&] { return ctx_.constant(std::vector<double>(to.elements(), value), to); });
    }
    // pad(x, (low, high), axis=k)
    require_axis();
    const Tensor x = tensor_argument(*args[0]);
    const std::vector<const ast::Expr*> widths = tuple_items(*args[1]);
    if (widths.size() != 2) fail(args[1]->pos, "pad takes the widths before and after, as in (1, 2)");
    const std::int64_t low = whole_number(*widths[0], "a pad width"), high = whole_number(*widths[1], "a pad width");
    const std::size_t a = single_axis(axis, x->shape());
    return build([&] { return ctx_.pad(x, a, low, high); });
}

}  // namespace gradc::syntax
