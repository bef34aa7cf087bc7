// Batch kernels built with the light pipeline keep their running sums in memory
// (codegen/row_sums.hpp): on the stack, or from malloc() when they would not fit. Both
// must give the bits the full pipeline's register sums give, at every lane count and
// thread count.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "backend/optimize.hpp"
#include "codegen/row_sums.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/jit.hpp"
#include "gradc/print.hpp"
#include "gradc/thread_pool.hpp"
#include "support/random_expr.hpp"

namespace {

using gradc::Expr;

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<std::vector<double>> random_columns(std::mt19937_64& rng, std::size_t count, std::size_t rows) {
    std::uniform_real_distribution<double> value(-2.0, 2.0);
    std::vector<std::vector<double>> columns(count, std::vector<double>(rows));
    for (auto& c : columns)
        for (double& v : c) v = value(rng);
    return columns;
}

std::vector<const double*> pointers(const std::vector<std::vector<double>>& columns) {
    std::vector<const double*> p;
    for (const auto& c : columns) p.push_back(c.data());
    return p;
}

// The terms added pairwise, so the expression stays shallow.
Expr balanced_sum(gradc::ExprContext& ctx, std::vector<Expr> terms) {
    while (terms.size() > 1) {
        std::vector<Expr> next;
        for (std::size_t i = 0; i + 1 < terms.size(); i += 2) next.push_back(ctx.add(terms[i], terms[i + 1]));
        if (terms.size() % 2) next.push_back(terms.back());
        terms = std::move(next);
    }
    return terms[0];
}

}  // namespace

TEST_CASE("light-pipeline batch kernels sum in memory to the full pipeline's bits", "[jit][batch][large]") {
    std::mt19937_64 rng(20261205);
    gradc::testing::RandomExprOptions shape;
    shape.max_depth = 5;
    shape.domain_safe = true;
    for (unsigned lanes : {1u, 4u, 8u}) {
        gradc::JitOptions full_options, light_options;
        full_options.lanes = light_options.lanes = lanes;
        light_options.large_kernel_nodes = 8;
        gradc::Jit full(full_options), light(light_options);
        for (int trial = 0; trial < 40; ++trial) {
            gradc::ExprContext ctx;
            std::vector<Expr> params, columns, all;
            for (const char* name : {"p0", "p1", "p2"}) params.push_back(ctx.variable(name));
            for (const char* name : {"c0", "c1"}) columns.push_back(ctx.variable(name));
            all = params;
            all.insert(all.end(), columns.begin(), columns.end());
            const Expr loss = gradc::testing::random_expr(ctx, rng, all, shape);
            const gradc::BatchKernel a = gradc::compile_batch(full, ctx, loss, params, columns);
            const gradc::BatchKernel b = gradc::compile_batch(light, ctx, loss, params, columns);
            const auto data = random_columns(rng, columns.size(), 2 * gradc::BatchKernel::kChunkRows + 5);
            const std::vector<double> at = {0.5, -0.25, 1.5};
            for (std::size_t rows : {std::size_t{0}, std::size_t{1}, std::size_t{lanes + 1}, data[0].size()}) {
                INFO("loss " << gradc::to_infix(loss) << ", lanes " << lanes << ", rows " << rows);
                CHECK(same_bits(a(at, pointers(data), rows), b(at, pointers(data), rows)));
            }
        }
    }
}

TEST_CASE("sums too large for the stack come from the heap and are exact", "[jit][batch][large]") {
    // loss = sum_i (i+1)·(p_i - c)^2 has partials 2(i+1)(p_i - c): over rows, with c an
    // integer column and p_i integers, every sum is an exact small integer.
    const std::size_t n = 5000;
    gradc::ExprContext ctx;
    const Expr c = ctx.variable("c");
    std::vector<Expr> params, terms;
    for (std::size_t i = 0; i < n; ++i) {
        params.push_back(ctx.variable("p" + std::to_string(i)));
        const Expr d = ctx.sub(params.back(), c);
        terms.push_back(ctx.mul(ctx.constant(static_cast<double>(i + 1)), ctx.mul(d, d)));
    }
    const Expr loss = balanced_sum(ctx, terms);
    std::vector<double> at(n);
    for (std::size_t i = 0; i < n; ++i) at[i] = static_cast<double>(i % 7) - 3.0;
    // Enough chunks that their 5,001 sums each pass 4 MiB: BatchKernel adds them in
    // more than one wave (lib/jit/row_kernels.cpp).
    const std::size_t rows = 7000;
    std::vector<double> column(rows);
    for (std::size_t r = 0; r < rows; ++r) column[r] = static_cast<double>(r % 5) - 2.0;  // sums to 0
    const std::vector<const double*> columns = {column.data()};

    for (unsigned lanes : {1u, 4u, 8u}) {
        gradc::JitOptions options;
        options.lanes = lanes;
        gradc::Jit jit(options);
        const gradc::BatchKernel kernel = gradc::compile_batch(jit, ctx, loss, params, std::span<const Expr>(&c, 1));
        REQUIRE(kernel.output_count() == n + 1);
        // 8 partials per sum at any lane count: 320 KB, past the stack's share.
        INFO("lanes " << lanes << ", sums of " << (n + 1) * 8 * sizeof(double) << " bytes");
        gradc::ThreadPool pool(2);
        const std::vector<double> alone = kernel(at, columns, rows), shared = kernel(at, columns, rows, &pool);
        CHECK(same_bits(alone, shared));
        double want_loss = 0;
        bool all_right = true;
        for (std::size_t i = 0; i < n; ++i) {
            // sum_r 2(i+1)(p_i - c_r) = 2(i+1)·rows·p_i, as the c_r sum to 0.
            all_right =
                all_right && alone[1 + i] == 2.0 * static_cast<double>(i + 1) * static_cast<double>(rows) * at[i];
            for (std::size_t r = 0; r < rows; ++r)
                want_loss += static_cast<double>(i + 1) * (at[i] - column[r]) * (at[i] - column[r]);
        }
        CHECK(all_right);
        CHECK(alone[0] == want_loss);
    }
    CHECK((n + 1) * gradc::codegen::RowSums::kPartials * sizeof(double) > gradc::codegen::RowSums::kStackSumBytes);
}
