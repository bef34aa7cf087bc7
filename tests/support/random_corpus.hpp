// A seeded corpus of random formulas of varied shape for differential tests: with and
// without domain guards, small and arbitrary constants, depth 3 to 6. random_expr
// rarely draws a constant integer exponent, so every fourth formula is also joined to
// a power by one of `exponents`, which kernels may compute by multiplication.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "support/random_expr.hpp"

namespace gradc::testing {

inline std::vector<Expr> random_corpus(ExprContext& ctx, std::span<const Expr> vars, std::size_t count,
                                       std::uint64_t seed, std::span<const double> exponents) {
    static const std::vector<Op> joins = {Op::Add, Op::Sub, Op::Mul, Op::Div};
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto pick = [&](const auto& from) {
        return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
    };
    std::vector<Expr> exprs;
    for (std::size_t i = 0; i < count; ++i) {
        RandomExprOptions shape;
        shape.max_depth = std::uniform_int_distribution<int>(3, 6)(rng);
        shape.domain_safe = unit(rng) < 0.5;
        shape.small_constants = unit(rng) < 0.85;
        Expr e = random_expr(ctx, rng, vars, shape);
        if (i % 4 == 0) {
            shape.max_depth = 3;
            const Expr base = random_expr(ctx, rng, vars, shape);
            e = ctx.make(pick(joins), ctx.pow(base, ctx.constant(pick(exponents))), e);
        }
        exprs.push_back(e);
    }
    return exprs;
}

}  // namespace gradc::testing
