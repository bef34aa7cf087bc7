// Batch (sum over rows) and map kernels against the reference interpreter, row by row:
// every row count around the SIMD width and the chunk size, vector and scalar math,
// and sums that are bit-identical for any number of threads.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/jit.hpp"
#include "gradc/print.hpp"
#include "gradc/thread_pool.hpp"
#include "point_oracle.hpp"
#include "support/random_expr.hpp"

namespace {

using gradc::Expr;

struct Data {
    std::vector<std::vector<double>> columns;
    std::vector<const double*> pointers;
};

Data row_data(std::mt19937_64& rng, std::size_t columns, std::size_t rows) {
    std::uniform_real_distribution<double> value(-2.0, 2.0);
    Data d;
    d.columns.assign(columns, std::vector<double>(rows));
    for (auto& c : d.columns)
        for (double& v : c) v = value(rng);
    for (auto& c : d.columns) d.pointers.push_back(c.data());
    return d;
}

// The interpreter's value of every output at every row, and their sums in long double.
struct Oracle {
    std::vector<std::vector<double>> per_row;  // [row][output]
    std::vector<long double> sum, magnitude;   // sum of values and of |values|
};

Oracle oracle(const std::vector<Expr>& outputs, const std::vector<Expr>& inputs, const std::vector<double>& params,
              const Data& data, std::size_t rows) {
    const gradc::Interpreter interpreter(outputs, inputs);
    Oracle o;
    o.sum.assign(outputs.size(), 0.0L);
    o.magnitude.assign(outputs.size(), 0.0L);
    std::vector<double> in(params);
    in.resize(inputs.size());
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t j = 0; j < data.columns.size(); ++j) in[params.size() + j] = data.columns[j][r];
        o.per_row.push_back(interpreter.run(in));
        for (std::size_t k = 0; k < outputs.size(); ++k) {
            o.sum[k] += o.per_row.back()[k];
            o.magnitude[k] += std::fabs(o.per_row.back()[k]);
        }
    }
    return o;
}

// A sum agrees when it is within 1e-12 of the sum of magnitudes (rounding of the
// additions, in any order, and libmvec's few ulp), or both are the same non-finite.
bool sum_agrees(double got, long double exact, long double magnitude) {
    if (!std::isfinite(static_cast<double>(exact)) || !std::isfinite(got))
        return std::isnan(got) == std::isnan(static_cast<double>(exact)) &&
               (std::isnan(got) || got == static_cast<double>(exact));
    return std::fabs(static_cast<long double>(got) - exact) <= 1e-12L * magnitude + 1e-300L;
}

bool bits_equal(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

struct Vars {
    gradc::ExprContext ctx;
    std::vector<Expr> params, columns, all;
    Vars() {
        for (const char* name : {"p0", "p1"}) params.push_back(ctx.variable(name));
        for (const char* name : {"c0", "c1", "c2"}) columns.push_back(ctx.variable(name));
        all = params;
        all.insert(all.end(), columns.begin(), columns.end());
    }
};

}  // namespace

TEST_CASE("batch kernels sum the loss and gradient the interpreter gives", "[jit][batch]") {
    std::mt19937_64 rng(20261201);
    gradc::testing::RandomExprOptions shape;
    shape.max_depth = 4;
    shape.domain_safe = true;
    for (bool vector_math : {true, false}) {
        gradc::JitOptions options;
        options.vector_math = vector_math;
        gradc::Jit jit(options);
        const std::size_t lanes = jit.lanes();
        const std::size_t row_counts[] = {0, 1, lanes - 1, lanes + 1, 2 * gradc::BatchKernel::kChunkRows + 3};
        int compared = 0;
        for (int trial = 0; trial < 150; ++trial) {
            Vars v;
            const Expr loss = gradc::testing::random_expr(v.ctx, rng, v.all, shape);
            const gradc::BatchKernel kernel = gradc::compile_batch(jit, v.ctx, loss, v.params, v.columns);
            const std::vector<Expr> outputs =
                gradc::testing::compiled_outputs(v.ctx, std::span<const Expr>(&loss, 1), v.params, jit.options());
            REQUIRE(kernel.output_count() == outputs.size());
            const std::vector<double> params = {std::uniform_real_distribution<double>(-1, 1)(rng), 0.75};
            const Data data = row_data(rng, v.columns.size(), row_counts[4]);
            for (std::size_t rows : row_counts) {
                const Oracle o = oracle(outputs, v.all, params, data, rows);
                const std::vector<double> got = kernel(params, data.pointers, rows);
                for (std::size_t k = 0; k < outputs.size(); ++k) {
                    INFO("loss " << gradc::to_infix(loss) << ", output " << k << ", rows " << rows << ", vector math "
                                 << vector_math);
                    CHECK(sum_agrees(got[k], o.sum[k], o.magnitude[k]));
                    ++compared;
                }
            }
        }
        CHECK(compared > 2000);
    }
}

TEST_CASE("map kernels give the interpreter's value at every row", "[jit][map]") {
    std::mt19937_64 rng(77);
    gradc::testing::RandomExprOptions shape;
    shape.max_depth = 4;
    // Scalar libm in every lane and pow() for integer powers: each row's numbers are
    // then exactly the interpreter's, so this checks the vector code's semantics bit
    // for bit (NaN, infinities, selects and masked lanes included).
    gradc::JitOptions options;
    options.vector_math = false;
    options.integer_powers_by_multiplication = false;
    gradc::Jit jit(options);
    const std::size_t lanes = jit.lanes();
    for (int trial = 0; trial < 200; ++trial) {
        Vars v;
        const Expr f = gradc::testing::random_expr(v.ctx, rng, v.columns, shape);
        const gradc::MapKernel kernel =
            gradc::compile_map(jit, v.ctx, std::span<const Expr>(&f, 1), v.columns, gradc::Derivatives::Gradient);
        const std::vector<Expr> outputs =
            gradc::testing::compiled_outputs(v.ctx, std::span<const Expr>(&f, 1), v.columns, jit.options());
        for (std::size_t rows : {std::size_t{1}, lanes - 1, lanes + 1, std::size_t{1500}}) {
            const Data data = row_data(rng, v.columns.size(), rows);
            std::vector<std::vector<double>> out(outputs.size(), std::vector<double>(rows + 1, -7.0));
            std::vector<double*> out_pointers;
            for (auto& column : out) out_pointers.push_back(column.data());
            kernel({}, data.pointers, rows, out_pointers);
            const Oracle o = oracle(outputs, v.columns, {}, data, rows);
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t k = 0; k < outputs.size(); ++k) {
                    INFO(gradc::to_infix(f)
                         << ", output " << k << ", row " << r << " of " << rows << ": got " << out[k][r]
                         << ", interpreter " << o.per_row[r][k] << " at c0 = " << data.columns[0][r]);
                    REQUIRE(bits_equal(out[k][r], o.per_row[r][k]));
                }
            // Rows past the end are left alone.
            for (auto& column : out) CHECK(column[rows] == -7.0);
        }
    }
}

TEST_CASE("batch sums are bit-identical for any number of threads", "[jit][batch][threads]") {
    gradc::ExprContext ctx;
    std::vector<Expr> w, x;
    for (int i = 0; i < 8; ++i) {
        w.push_back(ctx.variable("w" + std::to_string(i)));
        x.push_back(ctx.variable("x" + std::to_string(i)));
    }
    // Logistic regression: softplus(z) - y*z per row, z = w . x + b.
    const Expr b = ctx.variable("b"), y = ctx.variable("y");
    Expr z = b;
    for (int i = 0; i < 8; ++i) z = ctx.add(z, ctx.mul(w[i], x[i]));
    const Expr loss = ctx.sub(ctx.make(gradc::Op::Softplus, z), ctx.mul(y, z));
    std::vector<Expr> params = w, columns = x;
    params.push_back(b);
    columns.push_back(y);
    gradc::Jit jit;
    const gradc::BatchKernel kernel = gradc::compile_batch(jit, ctx, loss, params, columns);
    std::mt19937_64 rng(5);
    Data data = row_data(rng, columns.size(), 100'003);
    for (double& label : data.columns.back()) label = label > 0 ? 1.0 : 0.0;
    const std::vector<double> theta = {0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.05};
    const std::vector<double> alone = kernel(theta, data.pointers, 100'003);
    for (std::size_t threads : {2, 3, 8}) {
        gradc::ThreadPool pool(threads);
        const std::vector<double> shared = kernel(theta, data.pointers, 100'003, &pool);
        for (std::size_t k = 0; k < alone.size(); ++k) CHECK(bits_equal(shared[k], alone[k]));
    }
    // And they are right: against the interpreter's long double sums.
    std::vector<Expr> outputs = gradc::gradient(ctx, loss, params);
    outputs.insert(outputs.begin(), loss);
    std::vector<Expr> inputs = params;
    inputs.insert(inputs.end(), columns.begin(), columns.end());
    const Oracle o = oracle(outputs, inputs, theta, data, 100'003);
    for (std::size_t k = 0; k < alone.size(); ++k) CHECK(sum_agrees(alone[k], o.sum[k], o.magnitude[k]));
}

TEST_CASE("batch and map kernels refuse wrong sizes", "[jit][batch][errors]") {
    Vars v;
    const Expr f = v.ctx.mul(v.params[0], v.columns[0]);
    gradc::Jit jit;
    const gradc::BatchKernel batch = gradc::compile_batch(jit, v.ctx, f, v.params, v.columns);
    const std::vector<double> column(4, 1.0);
    const std::vector<const double*> three = {column.data(), column.data(), column.data()};
    CHECK_THROWS_AS(batch(std::vector<double>{1.0}, three, 4), gradc::SemanticError);
    CHECK_THROWS_AS(batch(std::vector<double>{1.0, 2.0}, std::vector<const double*>{column.data()}, 4),
                    gradc::SemanticError);
    CHECK(batch(std::vector<double>{1.0, 2.0}, three, 4)[0] == 4.0);
    CHECK_THROWS_AS(gradc::BatchKernel{}(std::vector<double>{}, {}, 0), gradc::SemanticError);
    const gradc::MapKernel map = jit.compile_map(std::vector<Expr>{f}, v.params, v.columns);
    std::vector<double> out(4);
    std::vector<double*> outs = {out.data(), out.data()};
    CHECK_THROWS_AS(map(std::vector<double>{1.0, 2.0}, three, 4, outs), gradc::SemanticError);
}

TEST_CASE("a thread pool runs every task once and passes exceptions on", "[jit][threads]") {
    gradc::ThreadPool pool(4);
    CHECK(pool.size() == 4);
    std::vector<int> hits(1000, 0);
    for (int round = 0; round < 20; ++round) pool.run(hits.size(), [&](std::size_t i) { ++hits[i]; });
    for (int h : hits) CHECK(h == 20);
    CHECK_THROWS_AS(pool.run(10,
                             [](std::size_t i) {
                                 if (i == 7) throw gradc::SemanticError("task 7");
                             }),
                    gradc::SemanticError);
    pool.run(3, [&](std::size_t i) { hits[i] = 0; });  // usable after an exception
    CHECK(hits[0] == 0);
}
