// Kernel handles and the code they keep alive, the errors of compile() and of the
// checked call, target selection, the Hessian layout of compile_point(), and kernels
// large enough for the light pipeline, each checked against the interpreter.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "backend/optimize.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/jit.hpp"
#include "gradc/print.hpp"
#include "point_oracle.hpp"
#include "support/random_expr.hpp"

using namespace gradc;

namespace {

std::vector<Expr> variables(ExprContext& ctx, std::size_t n) {
    std::vector<Expr> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(ctx.variable("x" + std::to_string(i)));
    return v;
}

// `kernel` against the interpreter over `outputs` at `points`, exactly as described in
// differential_test.cpp: the modelled oracle when `jit` multiplies powers.
testing::Tally agreement(const Kernel& kernel, const JitOptions& jit, ExprContext& ctx, std::span<const Expr> values,
                         std::span<const Expr> outputs, std::span<const Expr> inputs,
                         const std::vector<std::vector<double>>& points) {
    const std::vector<Expr> modelled = jit.integer_powers_by_multiplication
                                           ? testing::powers_as_products(ctx, outputs)
                                           : std::vector<Expr>(outputs.begin(), outputs.end());
    const Interpreter oracle(modelled, inputs);
    testing::Tally tally;
    for (const std::vector<double>& point : points) {
        const std::vector<double> got = kernel(point), want = oracle.run(point);
        for (std::size_t k = 0; k < got.size(); ++k)
            tally.compare(testing::same_or_both_nan(got[k], want[k]), [&] {
                return testing::mismatch(testing::describe_output(k, values, inputs), point, want[k], got[k]);
            });
    }
    return tally;
}

// The chained Rosenbrock function: sum of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2.
Expr rosenbrock(ExprContext& ctx, std::span<const Expr> x) {
    const Expr two = ctx.constant(2.0);
    Expr sum = nullptr;
    for (std::size_t i = 0; i + 1 < x.size(); ++i) {
        const Expr term = ctx.add(ctx.mul(ctx.constant(100.0), ctx.pow(ctx.sub(x[i + 1], ctx.pow(x[i], two)), two)),
                                  ctx.pow(ctx.sub(ctx.constant(1.0), x[i]), two));
        sum = sum ? ctx.add(sum, term) : term;
    }
    return sum;
}

}  // namespace

TEST_CASE("a kernel outlives its Jit and copies share its code", "[jit][lifetime]") {
    ExprContext ctx;
    const std::vector<Expr> x = variables(ctx, 2);
    const Expr f = ctx.mul(ctx.make(Op::Exp, x[0]), ctx.make(Op::Atan2, x[1], x[0]));
    Kernel kept, second;
    {
        Jit jit;
        kept = compile_point(jit, ctx, f, x, Derivatives::Gradient);
        second = jit.compile(std::span<const Expr>(&f, 1), x);
        Kernel copy = kept;
        CHECK(copy.function() == kept.function());
        CHECK(jit.stats().live_units == 2);
        copy = Kernel{};
        CHECK(jit.stats().live_units == 2);
        const Kernel moved = std::move(copy);
        CHECK_FALSE(moved);
    }
    // The Jit is gone; its session lives on in the kernels.
    REQUIRE(kept);
    const Kernel copy = kept;
    kept = Kernel{};
    const std::vector<std::vector<double>> points = testing::random_points(5, 200, 2);
    const std::vector<Expr> outputs = testing::with_gradients(ctx, std::span<const Expr>(&f, 1), x);
    const testing::Tally tally = agreement(copy, JitOptions{}, ctx, std::span<const Expr>(&f, 1), outputs, x, points);
    INFO(tally.report("after the Jit was destroyed"));
    CHECK(tally.mismatches == 0);
    CHECK(second(points[0])[0] == evaluate(f, x, points[0]));
}

TEST_CASE("thousands of kernels compiled and dropped leave no live units", "[jit][lifetime]") {
    JitOptions options;
    options.opt_level = OptLevel::O0;  // what is tested is bookkeeping: spend no time optimizing
    Jit jit(options);
    ExprContext ctx;
    const std::vector<Expr> x = variables(ctx, 2);
    auto kernel_for = [&](int i) {
        const Expr f = ctx.add(ctx.mul(x[0], ctx.constant(i + 0.5)), ctx.make(Op::Sin, x[1]));
        return jit.compile(std::span<const Expr>(&f, 1), x);
    };
    const std::vector<double> point = {1.25, -0.75};
    auto expected = [&](int i) { return 1.25 * (i + 0.5) + std::sin(-0.75); };
    std::vector<Kernel> kernels;
    for (int i = 0; i < 2000; ++i) kernels.push_back(kernel_for(i));
    CHECK(jit.stats().compiled == 2000);
    CHECK(jit.stats().live_units == 2000);
    std::size_t wrong = 0;
    for (int i = 0; i < 2000; ++i) wrong += kernels[static_cast<std::size_t>(i)](point)[0] != expected(i);
    CHECK(wrong == 0);
    // Drop every other one, then compile new programs into the freed names: old and
    // new kernels must each still run their own code.
    for (std::size_t i = 0; i < kernels.size(); i += 2) kernels[i] = Kernel{};
    CHECK(jit.stats().live_units == 1000);
    for (int i = 0; i < 2000; i += 2) kernels[static_cast<std::size_t>(i)] = kernel_for(5000 + i);
    CHECK(jit.stats().live_units == 2000);
    wrong = 0;
    for (int i = 0; i < 2000; ++i)
        wrong += kernels[static_cast<std::size_t>(i)](point)[0] != expected(i % 2 == 0 ? 5000 + i : i);
    CHECK(wrong == 0);
    kernels.clear();
    CHECK(jit.stats().live_units == 0);
    CHECK(jit.stats().compiled == 3000);
}

TEST_CASE("misuse of kernels and of compile throws SemanticError", "[jit][errors]") {
    const Kernel empty;
    CHECK_FALSE(empty);
    std::vector<double> out(1);
    CHECK_THROWS_AS(empty(std::vector<double>{}, out), SemanticError);
    CHECK_THROWS_AS(empty(std::vector<double>{1.0}), SemanticError);

    Jit jit;
    ExprContext ctx;
    const std::vector<Expr> x = variables(ctx, 2);
    const Expr f = ctx.mul(x[0], x[1]);
    const Kernel k = compile_point(jit, ctx, f, x, Derivatives::Gradient);
    REQUIRE(k.input_count() == 2);
    REQUIRE(k.output_count() == 3);
    std::vector<double> three(3), two(2);
    CHECK_THROWS_AS(k(std::vector<double>{1.0}, three), SemanticError);
    CHECK_THROWS_AS(k(std::vector<double>{1.0, 2.0, 3.0}, three), SemanticError);
    CHECK_THROWS_AS(k(std::vector<double>{1.0, 2.0}, two), SemanticError);
    CHECK_THROWS_AS(k(std::vector<double>{1.0}), SemanticError);
    k(std::vector<double>{2.0, 3.0}, three);
    CHECK(three == std::vector<double>{6.0, 3.0, 2.0});

    // An output uses a variable that is not an input: named in the message, nothing leaked.
    const Expr y = ctx.variable("stray");
    const Expr g = ctx.add(x[0], y);
    CHECK_THROWS_AS(jit.compile(std::span<const Expr>(&g, 1), std::span<const Expr>(x.data(), 1)), SemanticError);
    CHECK_THROWS_WITH(jit.compile(std::span<const Expr>(&g, 1), x), Catch::Contains("stray"));
    CHECK_THROWS_AS(compile_point(jit, ctx, g, x, Derivatives::Hessian), SemanticError);
    CHECK_THROWS_AS(Interpreter(std::span<const Expr>(&g, 1), x), SemanticError);  // the oracle agrees
    CHECK(jit.stats().live_units == 1);
    CHECK(jit.stats().compiled == 1);
}

TEST_CASE("an unknown CPU is a JitError and a named one works", "[jit][target]") {
    JitOptions unknown;
    unknown.cpu = "no-such-cpu";
    CHECK_THROWS_AS(Jit(unknown), JitError);
    CHECK_THROWS_WITH(Jit(unknown), Catch::Contains("no-such-cpu"));
    JitOptions bad_lanes;
    bad_lanes.lanes = 3;
    CHECK_THROWS_AS(Jit(bad_lanes), JitError);
#if defined(__x86_64__)
    for (const char* cpu : {"x86-64-v2", "x86-64"}) {
        JitOptions named;
        named.cpu = cpu;
        Jit jit(named);
        CHECK(jit.cpu_name() == cpu);
        ExprContext ctx;
        const std::vector<Expr> x = variables(ctx, 3);
        std::mt19937_64 rng(17);
        std::vector<Expr> values;
        for (int i = 0; i < 60; ++i) values.push_back(testing::random_expr(ctx, rng, x));
        const Kernel k = compile_point(jit, ctx, values, x, Derivatives::Gradient);
        const testing::Tally tally =
            agreement(k, jit.options(), ctx, values, testing::compiled_outputs(ctx, values, x, jit.options()), x,
                      testing::random_points(3, 300, 3));
        INFO(tally.report(std::string("cpu ") + cpu));
        CHECK(tally.mismatches == 0);
    }
#endif
}

TEST_CASE("the Hessian layout of compile_point is the upper triangle row by row", "[jit][hessian]") {
    ExprContext ctx;
    const std::vector<Expr> v = variables(ctx, 3);
    const Expr x = v[0], y = v[1], z = v[2];
    const Expr f1 = ctx.add(ctx.mul(ctx.pow(x, ctx.constant(2.0)), y), ctx.mul(ctx.make(Op::Sin, z), x));
    const Expr f2 = ctx.add(ctx.make(Op::Exp, ctx.mul(ctx.mul(x, y), z)), ctx.pow(y, ctx.constant(3.0)));
    const std::vector<Expr> values = {f1, f2};
    CHECK(point_output_count(2, 3, Derivatives::None) == 2);
    CHECK(point_output_count(2, 3, Derivatives::Gradient) == 8);
    CHECK(point_output_count(2, 3, Derivatives::Hessian) == 20);
    CHECK(point_output_count(1, 0, Derivatives::Hessian) == 1);
    Jit jit;
    const Kernel k = compile_point(jit, ctx, values, v, Derivatives::Hessian);
    REQUIRE(k.output_count() == point_output_count(2, 3, Derivatives::Hessian));
    std::vector<Expr> outputs = testing::with_gradients(ctx, values, v);
    for (Expr f : values) {
        const std::vector<std::vector<Expr>> h = hessian(ctx, f, v);
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = i; j < 3; ++j) outputs.push_back(h[i][j]);
    }
    const testing::Tally tally =
        agreement(k, jit.options(), ctx, values, outputs, v, testing::random_points(11, 500, 3));
    INFO(tally.report("Hessian layout"));
    CHECK(tally.mismatches == 0);
    // And by hand: f1 = x^2 y + x sin(z) at (x, y, z) = (1.5, -2, 0.25).
    const std::vector<double> out = k(std::vector<double>{1.5, -2.0, 0.25});
    const std::size_t h1 = 2 + 2 * 3;                     // f1's triangle: (0,0) (0,1) (0,2) (1,1) (1,2) (2,2)
    CHECK(out[h1 + 0] == Approx(2 * -2.0));               // d2/dx2 = 2y
    CHECK(out[h1 + 1] == Approx(2 * 1.5));                // d2/dxdy = 2x
    CHECK(out[h1 + 2] == Approx(std::cos(0.25)));         // d2/dxdz = cos z
    CHECK(out[h1 + 3] == 0.0);                            // d2/dy2
    CHECK(out[h1 + 4] == 0.0);                            // d2/dydz
    CHECK(out[h1 + 5] == Approx(-1.5 * std::sin(0.25)));  // d2/dz2 = -x sin z
    CHECK(out[h1 + 6 + 3] == Approx(6 * -2.0 + std::pow(1.5 * 0.25, 2) * std::exp(1.5 * -2.0 * 0.25)));
}

TEST_CASE("large kernels on the light pipeline agree with the interpreter", "[jit][large]") {
    ExprContext ctx;
    const std::vector<Expr> x = variables(ctx, 3000);
    const Expr f = rosenbrock(ctx, x);
    const std::vector<Expr> outputs = testing::with_gradients(ctx, std::span<const Expr>(&f, 1), x);
    const std::size_t nodes = topological_order(outputs).size();
    Jit jit;
    REQUIRE(nodes > jit.options().large_kernel_nodes);
    CHECK(backend::choose_pipeline(jit.options(), nodes).light);
    const Kernel k = compile_point(jit, ctx, f, x, Derivatives::Gradient);
    std::mt19937_64 rng(3000);
    std::vector<std::vector<double>> points;
    for (int p = 0; p < 3; ++p) {
        std::vector<double> point(x.size());
        for (double& c : point) c = std::uniform_real_distribution<double>(-2.0, 2.0)(rng);
        points.push_back(point);
    }
    points[2][1234] = testing::kNaN;  // NaN spreads to the sum and three partials only
    const testing::Tally tally = agreement(k, jit.options(), ctx, std::span<const Expr>(&f, 1), outputs, x, points);
    INFO(tally.report("Rosenbrock, n = 3000, " + std::to_string(nodes) + " nodes"));
    CHECK(tally.mismatches == 0);
    // Squares by multiplication are correctly rounded: the plain interpreter within a few ulp.
    const Interpreter plain(outputs, x);
    std::size_t off = 0;
    for (const auto& point : points) {
        const std::vector<double> got = k(point), want = plain.run(point);
        for (std::size_t i = 0; i < got.size(); ++i) off += !testing::within_a_few_ulp(got[i], want[i]);
    }
    CHECK(off == 0);
}

TEST_CASE("a small large_kernel_nodes forces the light pipeline", "[jit][large]") {
    for (OptLevel level : {OptLevel::O1, OptLevel::O2, OptLevel::O3}) {
        JitOptions options;
        options.opt_level = level;
        options.large_kernel_nodes = 16;
        Jit jit(options);
        ExprContext ctx;
        const std::vector<Expr> x = variables(ctx, 3);
        std::mt19937_64 rng(64);
        std::vector<Expr> values = {rosenbrock(ctx, x)};
        for (int i = 0; i < 40; ++i) values.push_back(testing::random_expr(ctx, rng, x));
        const std::vector<Expr> outputs = testing::compiled_outputs(ctx, values, x, jit.options());
        CHECK(backend::choose_pipeline(options, topological_order(outputs).size()).light);
        const Kernel k = compile_point(jit, ctx, values, x, Derivatives::Gradient);
        const testing::Tally tally =
            agreement(k, jit.options(), ctx, values, outputs, x, testing::random_points(9, 400, 3));
        INFO(tally.report(std::string("light pipeline at ") + testing::level_name(level)));
        CHECK(tally.mismatches == 0);
    }
}

TEST_CASE("kernels of unusual shape agree with the interpreter", "[jit][lifetime]") {
    Jit jit;
    ExprContext ctx;
    const std::vector<Expr> x = variables(ctx, 3);
    const Expr c = ctx.constant(-0.0), sum = ctx.add(x[0], x[2]);
    // No inputs; no outputs; an input or a constant as output; one output twice; an unused input.
    const Kernel none = jit.compile(std::span<const Expr>(&c, 1), {});
    CHECK(none.input_count() == 0);
    CHECK(std::signbit(none(std::vector<double>{})[0]));
    const Kernel nothing = jit.compile({}, x);
    CHECK(nothing.output_count() == 0);
    CHECK(nothing(std::vector<double>{1.0, 2.0, 3.0}).empty());
    const std::vector<Expr> outputs = {x[1], c, sum, sum, x[1]};
    const Kernel k = jit.compile(outputs, x);
    const Interpreter oracle(outputs, x);
    for (const auto& point : testing::random_points(21, 100, 3)) {
        const std::vector<double> got = k(point), want = oracle.run(point);
        for (std::size_t i = 0; i < got.size(); ++i) {
            INFO("output " << i << " at " << testing::format_point(point));
            CHECK(testing::same_or_both_nan(got[i], want[i]));
        }
    }
}

TEST_CASE("a variable listed twice as an input is refused by the JIT and the interpreter alike", "[jit][errors]") {
    gradc::ExprContext ctx;
    const gradc::Expr x = ctx.variable("x"), y = ctx.variable("y");
    const std::vector<gradc::Expr> outputs = {ctx.sub(x, y)};
    const std::vector<gradc::Expr> twice = {x, y, x};
    gradc::Jit jit;
    CHECK_THROWS_AS(jit.compile(outputs, twice), gradc::SemanticError);
    CHECK_THROWS_AS(gradc::Interpreter(outputs, twice), gradc::SemanticError);
    // A repeated variable the outputs never use is harmless to both.
    const gradc::Expr z = ctx.variable("z");
    const std::vector<gradc::Expr> unused_twice = {x, y, z, z};
    CHECK(jit.compile(outputs, unused_twice)(std::vector<double>{1, 10, 0, 0})[0] == -9.0);
    CHECK(gradc::Interpreter(outputs, unused_twice).run(std::vector<double>{1, 10, 0, 0})[0] == -9.0);
}
