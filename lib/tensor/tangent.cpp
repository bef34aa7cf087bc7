// Forward mode on tensors with a batch of directions: the tangent of a node of shape S
// has shape B ++ S, B the batch (one axis per direction index). One rule per kind, with
// d the operands' tangents and β the batch axes:
//   map       Σ_k ∂body/∂p_k · d_k                       (partials as maps of the operands)
//   contract  contract(βa,b -> βout)(d_a, b) + contract(a,βb -> βout)(a, d_b)
//   sum, max  the same reduction of d over the axes shifted past β (max: at the maxima)
//   views     the same view of d, leaving β in front
//   gather    gather(d) by the same index;  scatter_add  scatter_add(d);  views alike
// The Hessian is the tangent of the gradient along delta(shape of w): forward over reverse.
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

class TangentSweep {
public:
    TangentSweep(TensorContext& ctx, Shape batch) : ctx_(ctx), batch_(std::move(batch)), q_(batch_.rank()) {}

    void seed(Tensor node, Tensor direction) { tangent_[node] = direction; }
    Tensor tangent(Tensor node) const {
        const auto it = tangent_.find(node);
        return it == tangent_.end() ? nullptr : it->second;
    }

    void propagate(Tensor node) {
        if (tangent_.count(node)) return;  // a seed
        Tensor d = nullptr;
        switch (node->kind()) {
            case TensorKind::Param:
            case TensorKind::Data:
            case TensorKind::Constant:
            case TensorKind::Delta: return;
            case TensorKind::Map: d = map(node); break;
            case TensorKind::Contract: d = contract(node); break;
            case TensorKind::Sum:
                if (const Tensor dx = tangent(node->operand(0))) d = ctx_.sum(dx, shifted(node->axes()));
                break;
            case TensorKind::Max: d = max(node); break;
            case TensorKind::Broadcast:
                if (const Tensor dx = tangent(node->operand(0))) {
                    std::vector<std::size_t> axes = leading();
                    for (const std::size_t a : shifted(node->axes())) axes.push_back(a);
                    d = ctx_.broadcast(dx, batched(node->shape()), axes);
                }
                break;
            case TensorKind::Permute:
                if (const Tensor dx = tangent(node->operand(0))) {
                    std::vector<std::size_t> perm = leading();
                    for (const std::size_t a : shifted(node->axes())) perm.push_back(a);
                    d = ctx_.permute(dx, perm);
                }
                break;
            case TensorKind::Reshape:
                if (const Tensor dx = tangent(node->operand(0))) d = ctx_.reshape(dx, batched(node->shape()));
                break;
            case TensorKind::Gather:
                if (const Tensor dx = tangent(node->operand(0)))
                    d = ctx_.gather(dx, node->axes()[0] + q_, node->operand(1));
                break;
            case TensorKind::ScatterAdd:
                if (const Tensor ds = tangent(node->operand(1)))
                    d = ctx_.scatter_add(batched(node->shape()), node->axes()[0] + q_, node->operand(0), ds);
                break;
            case TensorKind::View:
                if (const Tensor dx = tangent(node->operand(0)))
                    d = ctx_.view(dx, batched(node->shape()), batched_affine(node->affine(), node->shape().rank()));
                break;
            case TensorKind::ViewAdjoint:
                if (const Tensor dg = tangent(node->operand(0)))
                    d = ctx_.view_adjoint(dg, batched(node->shape()),
                                          batched_affine(node->affine(), node->operand(0)->shape().rank()));
                break;
        }
        if (d) tangent_[node] = d;
    }

private:
    Shape batched(const Shape& s) const {
        Shape out = batch_;
        out.dims.insert(out.dims.end(), s.dims.begin(), s.dims.end());
        return out;
    }
    std::vector<std::size_t> leading() const {
        std::vector<std::size_t> axes(q_);
        for (std::size_t k = 0; k < q_; ++k) axes[k] = k;
        return axes;
    }
    // A view's map with the batch axes carried through in front.
    std::vector<std::int64_t> batched_affine(std::span<const std::int64_t> affine, std::size_t view_rank) const {
        const std::size_t width = view_rank + 1, rows = affine.size() / width;
        std::vector<std::int64_t> out;
        for (std::size_t b = 0; b < q_; ++b)
            for (std::size_t k = 0; k <= q_ + view_rank; ++k) out.push_back(k == b ? 1 : 0);
        for (std::size_t a = 0; a < rows; ++a) {
            out.insert(out.end(), q_, 0);
            out.insert(out.end(), affine.begin() + static_cast<std::ptrdiff_t>(a * width),
                       affine.begin() + static_cast<std::ptrdiff_t>((a + 1) * width));
        }
        return out;
    }
    std::vector<std::size_t> shifted(std::span<const std::size_t> axes) const {
        std::vector<std::size_t> out;
        for (const std::size_t a : axes) out.push_back(a + q_);
        return out;
    }
    // d (B ++ S_k) with 1s inserted after B, so it aligns at the right with B ++ S.
    Tensor lifted(Tensor d, std::size_t operand_rank, std::size_t rank) {
        Shape s = batch_;
        s.dims.insert(s.dims.end(), rank - operand_rank, 1);
        const Shape& own = d->shape();
        s.dims.insert(s.dims.end(), own.dims.begin() + static_cast<std::ptrdiff_t>(q_), own.dims.end());
        return ctx_.reshape(d, s);
    }

    Tensor map(Tensor node) {
        ExprContext& s = ctx_.scalars();
        const std::size_t count = node->operands().size();
        std::vector<Expr> from;
        for (std::size_t j = 0; j < count; ++j) from.push_back(ctx_.placeholder(j));
        std::vector<Expr> partials;
        Tensor total = nullptr;
        for (std::size_t k = 0; k < count; ++k) {
            const Tensor dk = tangent(node->operand(k));
            if (!dk) continue;
            if (partials.empty()) partials = gradient(s, node->body(), from);
            if (partials[k]->is_const(0.0)) continue;
            Tensor term = lifted(dk, node->operand(k)->shape().rank(), node->shape().rank());
            if (!partials[k]->is_const(1.0)) {
                const Tensor partial = tensor::map_of_used(ctx_, partials[k], node->operands(), 0);
                term = ctx_.mul(partial, term);
            }
            total = total ? ctx_.add(total, term) : term;
        }
        return total ? ctx_.broadcast_to(total, batched(node->shape())) : nullptr;
    }

    Tensor contract(Tensor node) {
        const std::string a(node->labels(0)), b(node->labels(1)), out(node->output_labels());
        std::string beta;  // q letters the spec does not use
        for (char c = 'a'; beta.size() < q_; ++c) {
            if (c > 'z') c = 'A';
            if ((a + b + out).find(c) == std::string::npos) beta.push_back(c);
        }
        Tensor total = nullptr;
        if (const Tensor da = tangent(node->operand(0)))
            total = ctx_.contract(beta + a + "," + b + "->" + beta + out, da, node->operand(1));
        if (const Tensor db = tangent(node->operand(1))) {
            const Tensor term = ctx_.contract(a + "," + beta + b + "->" + beta + out, node->operand(0), db);
            total = total ? ctx_.add(total, term) : term;
        }
        return total;
    }

    // At tied maxima the tangent is their mean, as the gradient splits equally.
    Tensor max(Tensor node) {
        const Tensor dx = tangent(node->operand(0));
        if (!dx) return nullptr;
        const Tensor x = node->operand(0);
        std::vector<std::size_t> kept;
        for (std::size_t k = 0; k < x->shape().rank(); ++k)
            if (std::find(node->axes().begin(), node->axes().end(), k) == node->axes().end()) kept.push_back(k);
        const Tensor tied = ctx_.map(Op::Eq, x, ctx_.broadcast(node, x->shape(), kept));
        const Tensor weight = ctx_.div(tied, ctx_.broadcast(ctx_.sum(tied, node->axes()), x->shape(), kept));
        return ctx_.sum(ctx_.mul(weight, dx), shifted(node->axes()));
    }

    TensorContext& ctx_;
    Shape batch_;
    std::size_t q_;
    std::unordered_map<Tensor, Tensor> tangent_;
};

}  // namespace

std::vector<Tensor> tensor_jvp(TensorContext& ctx, std::span<const Tensor> outputs, std::span<const Tensor> wrt,
                               std::span<const Tensor> directions, const Shape& batch) {
    if (wrt.size() != directions.size()) throw SemanticError("forward mode needs one direction per input");
    TangentSweep sweep(ctx, batch);
    for (std::size_t i = 0; i < wrt.size(); ++i) {
        Shape expected = batch;
        expected.dims.insert(expected.dims.end(), wrt[i]->shape().dims.begin(), wrt[i]->shape().dims.end());
        if (directions[i]->shape() != expected)
            throw SemanticError("the direction of '" + std::string(wrt[i]->name()) + "' must have the shape " +
                                expected.text() + ", not " + directions[i]->shape().text());
        sweep.seed(wrt[i], directions[i]);
    }
    for (const Tensor node : tensor_order(outputs)) sweep.propagate(node);
    std::vector<Tensor> out;
    for (const Tensor o : outputs) {
        Shape shape = batch;
        shape.dims.insert(shape.dims.end(), o->shape().dims.begin(), o->shape().dims.end());
        const Tensor d = sweep.tangent(o);
        out.push_back(d ? d : ctx.broadcast_to(ctx.scalar(0.0), shape));
    }
    return out;
}

Tensor tensor_hessian(TensorContext& ctx, Tensor f, Tensor wrt) {
    const Tensor g = tensor_gradient(ctx, f, std::span<const Tensor>(&wrt, 1))[0];
    const Tensor direction = ctx.delta(wrt->shape());
    return tensor_jvp(ctx, std::span<const Tensor>(&g, 1), std::span<const Tensor>(&wrt, 1),
                      std::span<const Tensor>(&direction, 1), wrt->shape())[0];
}

}  // namespace gradc
