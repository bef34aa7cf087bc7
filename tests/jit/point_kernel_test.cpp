// Point kernels against the reference interpreter: thousands of seeded random
// expressions over every op, at O0 and O2, special values included, from one thread
// and from several; and what a Kernel handle promises about caching and lifetime.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <thread>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/jit.hpp"
#include "gradc/parse.hpp"
#include "gradc/print.hpp"
#include "support/random_expr.hpp"

namespace {

using gradc::Expr;

bool bits_equal(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

// Within a few ulp: integer powers by repeated multiplication round once per product.
bool close(double a, double b) {
    if (bits_equal(a, b) || a == b) return true;
    if (!std::isfinite(a) || !std::isfinite(b)) return false;
    return std::fabs(a - b) <= 1e-13 * std::max(std::fabs(a), std::fabs(b)) || std::fabs(a - b) < 1e-300;
}

std::vector<double> random_point(std::mt19937_64& rng, std::size_t n) {
    static const double special[] = {0.0, -0.0, 1.0, -1.0, std::numeric_limits<double>::infinity(),
                                     -std::numeric_limits<double>::infinity(), std::nan(""), 1e300, -1e-300};
    std::vector<double> point(n);
    for (double& v : point)
        v = std::uniform_int_distribution<int>(0, 9)(rng) == 0
                ? special[std::uniform_int_distribution<std::size_t>(0, std::size(special) - 1)(rng)]
                : std::uniform_real_distribution<double>(-3.0, 3.0)(rng);
    return point;
}

struct Counts {
    int compared = 0;
    int mismatched = 0;
};

// Compiles value + gradient of `trials` random expressions with `options` and compares
// each output at several points with the interpreter, bit for bit or within a few ulp.
Counts differential(const gradc::JitOptions& options, std::uint64_t seed, int trials, bool exact) {
    gradc::Jit jit(options);
    std::mt19937_64 rng(seed);
    gradc::testing::RandomExprOptions shape;
    shape.max_depth = 5;
    Counts counts;
    for (int trial = 0; trial < trials; ++trial) {
        gradc::ExprContext ctx;
        const std::vector<Expr> vars = {ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
        const Expr f = gradc::testing::random_expr(ctx, rng, vars, shape);
        const gradc::Kernel kernel = gradc::compile_point(jit, ctx, f, vars);
        std::vector<Expr> outputs = gradc::gradient(ctx, f, vars);
        outputs.insert(outputs.begin(), f);
        const gradc::Interpreter interpreter(outputs, vars);
        for (int p = 0; p < 4; ++p) {
            const std::vector<double> at = random_point(rng, vars.size());
            const std::vector<double> got = kernel(at), want = interpreter.run(at);
            for (std::size_t k = 0; k < want.size(); ++k) {
                ++counts.compared;
                if (exact ? bits_equal(got[k], want[k]) : close(got[k], want[k])) continue;
                ++counts.mismatched;
                UNSCOPED_INFO(gradc::to_infix(f) << " output " << k << " at (" << at[0] << ", " << at[1] << ", "
                                                 << at[2] << "): kernel " << got[k] << ", interpreter " << want[k]);
            }
        }
    }
    return counts;
}

}  // namespace

TEST_CASE("point kernels match the interpreter bit for bit when powers call pow", "[jit][point]") {
    for (gradc::OptLevel level : {gradc::OptLevel::O0, gradc::OptLevel::O2}) {
        gradc::JitOptions options;
        options.opt_level = level;
        options.integer_powers_by_multiplication = false;
        const Counts c = differential(options, 1000 + static_cast<int>(level), 1500, true);
        CHECK(c.compared > 20000);
        CHECK(c.mismatched == 0);
    }
}

TEST_CASE("point kernels with powers by multiplication stay within a few ulp", "[jit][point]") {
    gradc::JitOptions options;
    const Counts c = differential(options, 7, 1500, false);
    CHECK(c.compared > 20000);
    CHECK(c.mismatched == 0);
}

TEST_CASE("large kernels take the light pipeline and stay right", "[jit][point]") {
    gradc::JitOptions options;
    options.large_kernel_nodes = 50;  // everything below counts as large
    const Counts c = differential(options, 99, 300, false);
    CHECK(c.mismatched == 0);
    // Chained Rosenbrock with n = 300: sum of 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2.
    gradc::ExprContext ctx;
    std::vector<Expr> x;
    for (int i = 0; i < 300; ++i) x.push_back(ctx.variable("x" + std::to_string(i)));
    Expr f = ctx.constant(0.0);
    for (std::size_t i = 0; i + 1 < x.size(); ++i) {
        const Expr a = ctx.sub(x[i + 1], ctx.pow(x[i], ctx.constant(2)));
        const Expr b = ctx.sub(ctx.constant(1), x[i]);
        f = ctx.add(f, ctx.add(ctx.mul(ctx.constant(100), ctx.pow(a, ctx.constant(2))), ctx.pow(b, ctx.constant(2))));
    }
    gradc::Jit jit(options);
    const gradc::Kernel kernel = gradc::compile_point(jit, ctx, f, x);
    std::vector<Expr> outputs = gradc::gradient(ctx, f, x);
    outputs.insert(outputs.begin(), f);
    std::vector<double> at(x.size());
    for (std::size_t i = 0; i < at.size(); ++i) at[i] = std::sin(static_cast<double>(i));
    const std::vector<double> got = kernel(at), want = gradc::Interpreter(outputs, x).run(at);
    for (std::size_t k = 0; k < want.size(); ++k) CHECK(close(got[k], want[k]));
}

TEST_CASE("one kernel called from many threads gives the same bits", "[jit][point][threads]") {
    gradc::ExprContext ctx;
    const gradc::Program p = gradc::parse(ctx, "r = sqrt(x^2 + y^2); exp(-r)*cos(3*r)/r + atan2(y, x)");
    gradc::Jit jit;
    const gradc::Kernel kernel = gradc::compile_point(jit, ctx, p.outputs[0], p.variables, gradc::Derivatives::Hessian);
    std::vector<std::vector<double>> points;
    for (int i = 0; i < 2000; ++i) points.push_back({std::cos(i * 0.37) * 2, std::sin(i * 0.91) * 2});
    std::vector<std::vector<double>> alone;
    for (const auto& at : points) alone.push_back(kernel(at));
    std::vector<int> differing(8, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (std::size_t i = 0; i < points.size(); ++i) {
                const std::vector<double> got = kernel(points[i]);
                for (std::size_t k = 0; k < got.size(); ++k) differing[t] += !bits_equal(got[k], alone[i][k]);
            }
        });
    for (auto& t : threads) t.join();
    for (int d : differing) CHECK(d == 0);
}

TEST_CASE("several threads compile into one Jit at once", "[jit][point][threads]") {
    gradc::Jit jit;
    std::vector<int> wrong(6, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            std::mt19937_64 rng(static_cast<std::uint64_t>(t % 3));  // pairs of threads build the same DAGs
            gradc::testing::RandomExprOptions shape;
            shape.domain_safe = true;
            for (int i = 0; i < 40; ++i) {
                gradc::ExprContext ctx;  // a context is not shared between threads
                const std::vector<Expr> vars = {ctx.variable("a"), ctx.variable("b")};
                const Expr f = gradc::testing::random_expr(ctx, rng, vars, shape);
                const gradc::Kernel k = gradc::compile_point(jit, ctx, f, vars);
                const std::vector<double> at = {0.3 + i * 0.01, -0.7};
                std::vector<Expr> outputs = gradc::gradient(ctx, f, vars);
                outputs.insert(outputs.begin(), f);
                const std::vector<double> want = gradc::Interpreter(outputs, vars).run(at), got = k(at);
                for (std::size_t j = 0; j < want.size(); ++j) wrong[t] += !close(got[j], want[j]);
            }
        });
    for (auto& t : threads) t.join();
    for (int w : wrong) CHECK(w == 0);
    CHECK(jit.stats().live_units == 0);
}

TEST_CASE("identical DAGs share code while a handle lives", "[jit][point][cache]") {
    gradc::Jit jit;
    gradc::ExprContext a, b;
    const gradc::Program pa = gradc::parse(a, "x^2*sin(y)");
    const gradc::Program pb = gradc::parse(b, "x^2*sin(y)");
    const gradc::Kernel ka = gradc::compile_point(jit, a, pa.outputs[0], pa.variables);
    const gradc::Kernel kb = gradc::compile_point(jit, b, pb.outputs[0], pb.variables);
    CHECK(ka.function() == kb.function());
    CHECK(jit.stats().compiled == 1);
    CHECK(jit.stats().cache_hits == 1);
    // Different input order is a different kernel.
    const std::vector<Expr> swapped = {pb.variables[1], pb.variables[0]};
    const gradc::Kernel kc = gradc::compile_point(jit, b, pb.outputs[0], swapped);
    CHECK(kc.function() != ka.function());
    CHECK(jit.stats().live_units == 2);
}

TEST_CASE("kernels outlive their Jit and free their code with the last handle", "[jit][point][lifetime]") {
    gradc::ExprContext ctx;
    const gradc::Program p = gradc::parse(ctx, "x^2*sin(y)");
    gradc::Kernel kept;
    {
        gradc::Jit jit;
        kept = gradc::compile_point(jit, ctx, p.outputs[0], p.variables);
    }
    const double at[] = {2.0, 0.5};
    double out[3];
    kept(at, out);
    CHECK(out[0] == 4 * std::sin(0.5));
    CHECK(out[2] == 4 * std::cos(0.5));

    gradc::Jit jit;
    for (int i = 0; i < 500; ++i) {
        gradc::ExprContext c;
        const Expr x = c.variable("x");
        const Expr f = c.mul(c.constant(i + 1.0), c.make(gradc::Op::Exp, x));
        const gradc::Kernel k = jit.compile(std::vector<Expr>{f}, std::vector<Expr>{x});
        const gradc::Kernel copy = k;  // copies share the code
        CHECK(copy.function() == k.function());
        CHECK(copy(std::vector<double>{0.0})[0] == i + 1.0);
    }
    CHECK(jit.stats().live_units == 0);
    CHECK(jit.stats().compiled == 500);
}

TEST_CASE("Hessian entries follow the documented layout", "[jit][point]") {
    gradc::ExprContext ctx;
    const gradc::Program p = gradc::parse(ctx, "x^2*y*z + sin(x*z), exp(y)*z");
    gradc::Jit jit;
    const gradc::Kernel k = gradc::compile_point(jit, ctx, p.outputs, p.variables, gradc::Derivatives::Hessian);
    REQUIRE(k.output_count() == gradc::point_output_count(2, 3, gradc::Derivatives::Hessian));
    REQUIRE(k.output_count() == 2 + 6 + 12);
    const std::vector<double> at = {0.7, -1.2, 2.5};
    const std::vector<double> out = k(at);
    std::size_t next = 2 + 2 * 3;
    for (Expr f : p.outputs) {
        const auto h = gradc::hessian(ctx, f, p.variables);
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = i; j < 3; ++j) CHECK(close(out[next++], gradc::evaluate(h[i][j], p.variables, at)));
    }
    for (std::size_t r = 0; r < 2; ++r) {
        const auto g = gradc::gradient(ctx, p.outputs[r], p.variables);
        for (std::size_t i = 0; i < 3; ++i) CHECK(close(out[2 + r * 3 + i], gradc::evaluate(g[i], p.variables, at)));
    }
}

TEST_CASE("kernel misuse gets a clear error", "[jit][point][errors]") {
    gradc::ExprContext ctx;
    const gradc::Program p = gradc::parse(ctx, "x*y");
    gradc::Jit jit;
    const std::vector<Expr> only_x = {p.variables[0]};
    CHECK_THROWS_AS(jit.compile(p.outputs, only_x), gradc::SemanticError);
    const gradc::Kernel k = jit.compile(p.outputs, p.variables);
    CHECK_THROWS_AS(k(std::vector<double>{1.0}), gradc::SemanticError);
    CHECK_THROWS_AS(gradc::Kernel{}(std::vector<double>{}), gradc::SemanticError);
    gradc::JitOptions bad;
    bad.cpu = "no-such-cpu";
    CHECK_THROWS_AS(gradc::Jit(bad), gradc::JitError);
    gradc::JitOptions v2;
    v2.cpu = "x86-64-v2";
    gradc::Jit portable(v2);
    CHECK(portable.cpu_name() == "x86-64-v2");
    CHECK(portable.lanes() == 2);  // SSE only
    CHECK(portable.compile(p.outputs, p.variables)(std::vector<double>{3.0, 4.0})[0] == 12.0);
}
