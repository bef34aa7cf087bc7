// Seeded random formulas for the emit tests, grouped into kernels of several values.
#pragma once

#include <random>
#include <span>
#include <string>
#include <vector>

#include "gradc/emit.hpp"
#include "support/random_expr.hpp"

namespace gradc::testing {

struct Corpus {
    ExprContext ctx;
    std::vector<Expr> vars{ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
    std::vector<Expr> exprs;

    // Varied shapes: with and without domain guards, small and arbitrary constants,
    // depth 3 to 6; a quarter also get a power by a constant the kernel may multiply
    // out (or, for 0, 17, -2 and 0.5, leave to pow()).
    Corpus(std::size_t count, std::uint64_t seed) {
        static const std::vector<double> exponents = {-1, 1, 2, 3, 4, 5, 7, 8, 11, 16, 0, 17, -2, 0.5};
        static const std::vector<Op> joins = {Op::Add, Op::Sub, Op::Mul, Op::Div};
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        auto pick = [&](const auto& from) {
            return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
        };
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
    }

    // Point kernels k0, k1, ... of 1, 2, 3, 5 or 8 expressions each, with `derivatives`.
    std::vector<AotKernel> point_kernels(Derivatives derivatives) {
        static const std::size_t sizes[] = {1, 2, 3, 5, 8};
        std::vector<AotKernel> kernels;
        for (std::size_t next = 0, b = 0; next < exprs.size(); ++b) {
            const std::size_t size = std::min(sizes[b % 5], exprs.size() - next);
            const std::span<const Expr> values(exprs.data() + next, size);
            kernels.push_back(aot_point_kernel(ctx, "k" + std::to_string(b), values, vars, derivatives));
            next += size;
        }
        return kernels;
    }
};

}  // namespace gradc::testing
