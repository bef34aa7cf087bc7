// The per-row losses: each is an expression in the prediction and the target, so the
// batch kernel differentiates it with the model in one reverse sweep.
#include <string>
#include <unordered_map>

#include "gradc/error.hpp"
#include "gradc/fit.hpp"
#include "gradc/parse.hpp"

namespace gradc {
namespace {

// `e` with the variables p and y replaced by `prediction` and `target`, rebuilt
// children first (iterative: a loss formula may be deep).
Expr substitute_p_y(ExprContext& ctx, Expr e, Expr prediction, Expr target) {
    std::unordered_map<Expr, Expr> image;
    for (const Expr node : topological_order(e)) {
        if (node->is_var()) {
            if (node->name() == "p")
                image[node] = prediction;
            else if (node->name() == "y")
                image[node] = target;
            else
                throw Error("the loss formula may use p (the prediction) and y (the target) only, not '" +
                            std::string(node->name()) + "', as in --loss \"(p - y)^2\"");
            continue;
        }
        if (node->arity() == 0) {
            image[node] = node;
            continue;
        }
        Expr args[3] = {nullptr, nullptr, nullptr};
        for (int i = 0; i < node->arity(); ++i) args[i] = image.at(node->arg(i));
        image[node] = ctx.make(node->op(), std::span<const Expr>(args, static_cast<std::size_t>(node->arity())));
    }
    return image.at(e);
}

}  // namespace

Loss Loss::named(std::string_view text) {
    if (text == "mse") return {LossKind::Mse, ""};
    if (text == "mae") return {LossKind::Mae, ""};
    if (text == "huber") return {LossKind::Huber, ""};
    if (text == "bce") return {LossKind::Bce, ""};
    if (text == "xent") return {LossKind::CrossEntropy, ""};
    return {LossKind::Formula, std::string(text)};
}

Expr row_loss(ExprContext& ctx, const Loss& loss, Expr prediction, Expr target) {
    const Expr d = ctx.sub(prediction, target);
    const Expr half = ctx.constant(0.5);
    switch (loss.kind) {
        case LossKind::Mse: return ctx.pow(d, ctx.constant(2.0));
        case LossKind::Mae: return ctx.make(Op::Abs, d);
        case LossKind::Huber: {
        // PyTorch's HuberLoss with delta 1: quadratic inside |d| < 1, linear outside.
            const Expr a = ctx.make(Op::Abs, d);
            return ctx.make(Op::Where, ctx.make(Op::Lt, a, ctx.constant(1.0)),
                            ctx.mul(half, ctx.pow(d, ctx.constant(2.0))), ctx.sub(a, half));
        }
        case LossKind::Bce:
        // -(y log σ(z) + (1 - y) log(1 - σ(z))) = softplus(z) - y·z, with no exp to overflow.
            return ctx.sub(ctx.make(Op::Softplus, prediction), ctx.mul(target, prediction));
        case LossKind::CrossEntropy:
            throw Error(
                "the xent loss needs one output per class: fit a network, as in gradc fit --mlp 32 --loss xent");
        case LossKind::Formula: {
            const Program program = parse(ctx, loss.formula);
            if (program.outputs.size() != 1)
                throw Error("the loss formula has one result, a per-row loss in p and y, as in --loss \"(p - y)^2\"");
            return substitute_p_y(ctx, program.outputs[0], prediction, target);
        }
    }
    return d;  // unreachable: the switch covers every kind
}

}  // namespace gradc
