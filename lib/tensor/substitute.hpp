// Rewriting map bodies: placeholders renamed or replaced, for the derivative rules.
#pragma once

#include <span>

#include "gradc/expr.hpp"
#include "gradc/tensor.hpp"

namespace gradc::tensor {

// `e` rebuilt in `ctx` with each of `from` replaced by the same position of `to`, all at
// once; iterative and memoized.
Expr substitute(ExprContext& ctx, Expr e, std::span<const Expr> from, std::span<const Expr> to);

// map(body, operands) with the operands the body does not read left out and the
// placeholders renumbered; the first `keep` operands stay whatever the body reads, so
// a caller can keep the shape they give.
Tensor map_of_used(TensorContext& ctx, Expr body, std::span<const Tensor> operands, std::size_t keep);

}  // namespace gradc::tensor
