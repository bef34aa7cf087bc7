// Seeded random formulas for the emit tests, grouped into kernels of several values.
#pragma once

#include <random>
#include <span>
#include <string>
#include <vector>

#include "gradc/emit.hpp"
#include "support/random_corpus.hpp"

namespace gradc::testing {

struct Corpus {
    ExprContext ctx;
    std::vector<Expr> vars{ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
    std::vector<Expr> exprs;

    // Varied shapes (support/random_corpus.hpp), a quarter with a power by a constant
    // the kernel may multiply out (or, for 0, 17, -2 and 0.5, leave to pow()).
    Corpus(std::size_t count, std::uint64_t seed) {
        static const std::vector<double> exponents = {-1, 1, 2, 3, 4, 5, 7, 8, 11, 16, 0, 17, -2, 0.5};
        exprs = random_corpus(ctx, vars, count, seed, exponents);
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
