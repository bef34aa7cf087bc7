// tensor_gradient(): one reverse sweep over the tensor DAG with one adjoint rule per
// kind. Each rule emits tensor nodes, never a Jacobian: with g the adjoint of a node,
//   map       dx_k = unbroadcast(g · ∂body/∂p_k)          (the body's scalar gradient)
//   contract  da = contract(out,b -> a)(g, b), db = contract(a,out -> b)(a, g)
//   sum       dx = broadcast(g) back over the summed axes
//   max       dx = broadcast(g) · [x == max] / (count of ties)
//   broadcast dx = sum of g over the axes it spread, reshaped to x
//   permute   dx = permute(g) by the inverse permutation
//   reshape   dx = reshape(g) to x's shape
//   gather    dx = scatter_add(g) into x's shape;  scatter_add  dsource = gather(g)
//   view      dx = view_adjoint(g) (adds back where the view read);  and the reverse
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/tensor.hpp"
#include "tensor/substitute.hpp"

namespace gradc {
namespace {

using tensor::substitute;

std::vector<std::size_t> all_but(std::size_t rank, std::span<const std::size_t> axes) {
    std::vector<std::size_t> kept;
    for (std::size_t k = 0; k < rank; ++k)
        if (std::find(axes.begin(), axes.end(), k) == axes.end()) kept.push_back(k);
    return kept;
}

// `c`, shaped as the broadcast of its operand of shape `to`, summed back to `to`.
Tensor unbroadcast(TensorContext& ctx, Tensor c, const Shape& to) {
    const Shape& from = c->shape();
    const std::size_t extra = from.rank() - to.rank();
    std::vector<std::size_t> summed;
    for (std::size_t k = 0; k < from.rank(); ++k)
        if (k < extra || (to.dims[k - extra] == 1 && from.dims[k] != 1)) summed.push_back(k);
    return ctx.reshape(ctx.sum(c, summed), to);
}

class Sweep {
public:
    explicit Sweep(TensorContext& ctx) : ctx_(ctx) {}

    void add(Tensor node, Tensor g) {
        auto [it, fresh] = adjoint_.try_emplace(node, g);
        if (!fresh) it->second = ctx_.add(it->second, g);
    }
    Tensor adjoint(Tensor node) const {
        const auto it = adjoint_.find(node);
        return it == adjoint_.end() ? nullptr : it->second;
    }

    void propagate(Tensor node, Tensor g) {
        switch (node->kind()) {
            case TensorKind::Param:
            case TensorKind::Data:
            case TensorKind::Constant:
            case TensorKind::Delta: return;
            case TensorKind::Map: return map(node, g);
            case TensorKind::Contract: {
                const std::string a(node->labels(0)), b(node->labels(1)), out(node->output_labels());
                add(node->operand(0), ctx_.contract(out + "," + b + "->" + a, g, node->operand(1)));
                add(node->operand(1), ctx_.contract(a + "," + out + "->" + b, node->operand(0), g));
                return;
            }
            case TensorKind::Sum: {
                const Tensor x = node->operand(0);
                add(x, ctx_.broadcast(g, x->shape(), all_but(x->shape().rank(), node->axes())));
                return;
            }
            case TensorKind::Max: return max(node, g);
            case TensorKind::Broadcast: {
                const Tensor x = node->operand(0);
                const std::span<const std::size_t> to = node->axes();
                std::vector<std::size_t> summed;
                for (std::size_t k = 0; k < node->shape().rank(); ++k) {
                    const auto at = std::find(to.begin(), to.end(), k);
                    if (at == to.end() ||
                        (x->shape().dims[static_cast<std::size_t>(at - to.begin())] == 1 && node->shape().dims[k] != 1))
                        summed.push_back(k);
                }
                add(x, ctx_.reshape(ctx_.sum(g, summed), x->shape()));
                return;
            }
            case TensorKind::Permute: {
                std::vector<std::size_t> inverse(node->axes().size());
                for (std::size_t k = 0; k < inverse.size(); ++k) inverse[node->axes()[k]] = k;
                add(node->operand(0), ctx_.permute(g, inverse));
                return;
            }
            case TensorKind::Reshape: add(node->operand(0), ctx_.reshape(g, node->operand(0)->shape())); return;
            case TensorKind::Gather: {
                const Tensor x = node->operand(0);
                add(x, ctx_.scatter_add(x->shape(), node->axes()[0], node->operand(1), g));
                return;
            }
            case TensorKind::ScatterAdd:
                add(node->operand(1), ctx_.gather(g, node->axes()[0], node->operand(0)));
                return;
            case TensorKind::View: {
                const std::span<const std::int64_t> affine = node->affine();
                add(node->operand(0), ctx_.view_adjoint(g, node->operand(0)->shape(), {affine.begin(), affine.end()}));
                return;
            }
            case TensorKind::ViewAdjoint: {
                const std::span<const std::int64_t> affine = node->affine();
                add(node->operand(0), ctx_.view(g, node->operand(0)->shape(), {affine.begin(), affine.end()}));
                return;
            }
        }
    }

private:
    // d/dx_k map(f)(x) = g · ∂f/∂p_k, evaluated as a map over (g, x_0, ..., x_{K-1}).
    void map(Tensor node, Tensor g) {
        ExprContext& s = ctx_.scalars();
        const std::size_t count = node->operands().size();
        std::vector<Expr> from, shifted;
        std::vector<Tensor> operands{g};
        for (std::size_t j = 0; j < count; ++j) {
            from.push_back(ctx_.placeholder(j));
            shifted.push_back(ctx_.placeholder(j + 1));
            operands.push_back(node->operand(j));
        }
        const std::vector<Expr> partials = gradient(s, node->body(), from);
        for (std::size_t k = 0; k < count; ++k) {
            if (partials[k]->is_const(0.0)) continue;
            const Expr body = partials[k]->is_const(1.0)
                                  ? ctx_.placeholder(0)
                                  : s.mul(ctx_.placeholder(0), substitute(s, partials[k], from, shifted));
            add(node->operand(k),
                unbroadcast(ctx_, tensor::map_of_used(ctx_, body, operands, 1), node->operand(k)->shape()));
        }
    }

    // Ties share the gradient equally: g · [x == m] / Σ[x == m].
    void max(Tensor node, Tensor g) {
        const Tensor x = node->operand(0);
        const std::vector<std::size_t> kept = all_but(x->shape().rank(), node->axes());
        const Tensor tied = ctx_.map(Op::Eq, x, ctx_.broadcast(node, x->shape(), kept));
        const Tensor ties = ctx_.broadcast(ctx_.sum(tied, node->axes()), x->shape(), kept);
        ExprContext& s = ctx_.scalars();
        const Expr body = s.div(s.mul(ctx_.placeholder(0), ctx_.placeholder(1)), ctx_.placeholder(2));
        const Tensor operands[] = {ctx_.broadcast(g, x->shape(), kept), tied, ties};
        add(x, ctx_.map(body, operands));
    }

    TensorContext& ctx_;
    std::unordered_map<Tensor, Tensor> adjoint_;
};

}  // namespace

std::vector<Tensor> tensor_gradient(TensorContext& ctx, Tensor f, std::span<const Tensor> wrt) {
    if (f->shape().rank() != 0)
        throw SemanticError("a gradient is taken of a scalar; the value has shape " + f->shape().text() +
                            ": sum it first");
    for (const Tensor w : wrt)
        if (!(w->kind() == TensorKind::Param || (w->kind() == TensorKind::Data && w->type() == ElementType::Real)))
            throw SemanticError("a gradient is taken by parameters or real data, not by a " +
                                std::string(tensor_kind_name(w->kind())) + " node");
    Sweep sweep(ctx);
    sweep.add(f, ctx.scalar(1.0));
    const std::vector<Tensor> order = tensor_order(std::span<const Tensor>(&f, 1));
    for (auto it = order.rbegin(); it != order.rend(); ++it)
        if (const Tensor g = sweep.adjoint(*it)) sweep.propagate(*it, g);
    std::vector<Tensor> out;
    for (const Tensor w : wrt) {
        const Tensor g = sweep.adjoint(w);
        out.push_back(g ? g : ctx.broadcast_to(ctx.scalar(0.0), w->shape()));
    }
    return out;
}

}  // namespace gradc
