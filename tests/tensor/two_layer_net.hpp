// f = Σ (tanh(X W1 + b1) w2 - t)^2 for X [N,3], W1 [3,4], b1 [4], w2 [4], and its
// gradient by W1, b1 and w2: the network the closed-form and printing tests share.
#pragma once

#include <vector>

#include "gradc/tensor.hpp"

namespace gradc::testing {

struct TwoLayerNet {
    TensorContext ctx;
    Tensor X = ctx.data("X", Shape{{kRows, 3}}), t = ctx.data("t", Shape{{kRows}});
    Tensor W1 = ctx.param("W1", Shape{{3, 4}}), b1 = ctx.param("b1", Shape{{4}}), w2 = ctx.param("w2", Shape{{4}});
    Tensor hidden = ctx.map(Op::Tanh, ctx.add(ctx.matmul(X, W1), b1));
    Tensor r = ctx.sub(ctx.matmul(hidden, w2), t);
    Tensor f = ctx.sum(ctx.mul(r, r));
    std::vector<Tensor> g = tensor_gradient(ctx, f, std::vector<Tensor>{W1, b1, w2});
};

}  // namespace gradc::testing
