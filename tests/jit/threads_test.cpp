// Point kernels and the Jit under threads: one kernel called from many threads, many
// threads compiling into one Jit, and the cache that gives identical DAGs one copy of
// code. Catch's assertions are not thread-safe, so threads only record what they saw
// and the main thread checks it.
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <exception>
#include <latch>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

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
    for (std::size_t i = 0; i < n; ++i) v.push_back(ctx.variable("v" + std::to_string(i)));
    return v;
}

std::vector<Expr> random_values(ExprContext& ctx, std::uint64_t seed, std::size_t count, std::span<const Expr> vars) {
    std::mt19937_64 rng(seed);
    testing::RandomExprOptions shape;
    shape.max_depth = 4;
    std::vector<Expr> values;
    for (std::size_t i = 0; i < count; ++i) values.push_back(testing::random_expr(ctx, rng, vars, shape));
    return values;
}

// What one compiling thread did: its kernels, kept alive, and what went wrong.
struct ThreadResult {
    std::vector<Kernel> kernels;
    std::size_t compared = 0;
    std::size_t mismatches = 0;
    std::string first_mismatch;
    std::string error;
};

}  // namespace

TEST_CASE("one kernel called from 8 threads gives the single-thread results", "[jit][threads]") {
    ExprContext ctx;
    const std::vector<Expr> vars = variables(ctx, 4);
    const std::vector<Expr> values = random_values(ctx, 31337, 12, vars);
    Jit jit;
    const Kernel kernel = compile_point(jit, ctx, values, vars, Derivatives::Gradient);
    const std::size_t outs = kernel.output_count();
    std::mt19937_64 rng(8);
    constexpr std::size_t kPoints = 4000;
    std::vector<double> points;
    for (std::size_t p = 0; p < kPoints; ++p)
        for (double v : testing::random_point(rng, vars.size())) points.push_back(v);

    std::vector<double> alone(kPoints * outs);
    for (std::size_t p = 0; p < kPoints; ++p) kernel(&points[p * vars.size()], &alone[p * outs]);

    // The single-thread results are right, so the comparison below means something.
    const std::vector<Expr> outputs = testing::compiled_outputs(ctx, values, vars, jit.options());
    const Interpreter oracle(testing::powers_as_products(ctx, outputs), vars);
    testing::Tally tally;
    for (std::size_t p = 0; p < kPoints; ++p) {
        const std::span<const double> point(&points[p * vars.size()], vars.size());
        const std::vector<double> want = oracle.run(point);
        for (std::size_t k = 0; k < outs; ++k)
            tally.compare(testing::same_or_both_nan(alone[p * outs + k], want[k]), [&] {
                return testing::mismatch(testing::describe_output(k, values, vars), point, want[k],
                                         alone[p * outs + k]);
            });
    }
    INFO(tally.report("single thread against the interpreter"));
    REQUIRE(tally.mismatches == 0);

    // Each thread runs every point twice, starting at a different place, through the
    // raw call and through the checked call.
    constexpr std::size_t kThreads = 8;
    std::vector<std::vector<double>> results(kThreads, std::vector<double>(kPoints * outs, -1.0));
    std::vector<std::vector<double>> checked(kThreads, std::vector<double>(kPoints * outs, -1.0));
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (std::size_t step = 0; step < kPoints; ++step) {
                const std::size_t p = (step + t * kPoints / kThreads) % kPoints;
                kernel(&points[p * vars.size()], &results[t][p * outs]);
                kernel(std::span<const double>(&points[p * vars.size()], vars.size()),
                       std::span<double>(&checked[t][p * outs], outs));
            }
        });
    for (std::thread& th : threads) th.join();
    for (std::size_t t = 0; t < kThreads; ++t) {
        std::size_t differ = 0;
        for (std::size_t i = 0; i < alone.size(); ++i) {
            if (std::bit_cast<std::uint64_t>(results[t][i]) != std::bit_cast<std::uint64_t>(alone[i])) ++differ;
            if (std::bit_cast<std::uint64_t>(checked[t][i]) != std::bit_cast<std::uint64_t>(alone[i])) ++differ;
        }
        INFO("thread " << t << ": " << differ << " of " << 2 * alone.size() << " numbers differ from one thread's");
        CHECK(differ == 0);
    }
}

TEST_CASE("threads compile different and identical expressions into one Jit", "[jit][threads][cache]") {
    // Powers by pow(): every kernel must give the interpreter's bits.
    JitOptions options;
    options.integer_powers_by_multiplication = false;
    Jit jit(options);
    constexpr std::size_t kThreads = 8, kShared = 16, kOwn = 8;
    // Threads t and t + 4 build the same kShared expressions (from the same seed, in
    // their own contexts); every thread builds kOwn of its own and one all threads build.
    std::vector<ThreadResult> results(kThreads);
    std::latch start(kThreads);  // all threads compile at once
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t)
        threads.emplace_back([&jit, &results, &start, t] {
            ThreadResult& r = results[t];
            start.arrive_and_wait();
            try {
                ExprContext ctx;  // a context is not thread-safe: one per thread
                const std::vector<Expr> vars = variables(ctx, 3);
                std::vector<Expr> values = random_values(ctx, 1000 + t % 4, kShared, vars);
                for (Expr e : random_values(ctx, 2000 + t, kOwn, vars)) values.push_back(e);
                const Expr a = vars[0], b = vars[1];
                const Expr common = ctx.add(
                    ctx.mul(ctx.constant(100.0), ctx.pow(ctx.sub(b, ctx.pow(a, ctx.constant(2.0))), ctx.constant(2.0))),
                    ctx.pow(ctx.sub(ctx.constant(1.0), a), ctx.constant(2.0)));
                values.push_back(common);
                std::mt19937_64 rng(t);
                for (Expr f : values) {
                    r.kernels.push_back(compile_point(jit, ctx, f, vars, Derivatives::Gradient));
                    const Interpreter oracle(
                        testing::compiled_outputs(ctx, std::span<const Expr>(&f, 1), vars, jit.options()), vars);
                    for (int p = 0; p < 20; ++p) {
                        const std::vector<double> point = testing::random_point(rng, vars.size());
                        const std::vector<double> got = r.kernels.back()(point), want = oracle.run(point);
                        for (std::size_t k = 0; k < got.size(); ++k) {
                            ++r.compared;
                            if (testing::same_or_both_nan(got[k], want[k])) continue;
                            if (r.mismatches++ == 0)
                                r.first_mismatch = testing::mismatch(
                                    "output " + std::to_string(k) + " of " + to_infix(f), point, want[k], got[k]);
                        }
                    }
                }
            } catch (const std::exception& e) {
                r.error = e.what();
            }
        });
    for (std::thread& th : threads) th.join();

    std::set<Kernel::Function> distinct;
    std::size_t calls = 0;
    for (std::size_t t = 0; t < kThreads; ++t) {
        const ThreadResult& r = results[t];
        INFO("thread " << t << ": " << r.error << r.mismatches << " mismatches in " << r.compared << " comparisons; "
                       << r.first_mismatch);
        REQUIRE(r.error.empty());
        CHECK(r.mismatches == 0);
        CHECK(r.compared > 0);
        REQUIRE(r.kernels.size() == kShared + kOwn + 1);
        calls += r.kernels.size();
        for (const Kernel& k : r.kernels) distinct.insert(k.function());
    }
    // Identical DAGs from different contexts share one copy of code.
    for (std::size_t t = 0; t < 4; ++t)
        for (std::size_t i = 0; i < kShared; ++i)
            CHECK(results[t].kernels[i].function() == results[t + 4].kernels[i].function());
    for (std::size_t t = 1; t < kThreads; ++t)
        CHECK(results[t].kernels.back().function() == results[0].kernels.back().function());
    JitStats stats = jit.stats();
    // Every call was compiled or answered from the cache; of two threads asking for one
    // program at once, one compiles it and the other waits for its code.
    CHECK(stats.compiled + stats.cache_hits == calls);
    CHECK(stats.compiled == distinct.size());
    CHECK(stats.live_units == distinct.size());
    CHECK(distinct.size() < calls);
    results.clear();
    stats = jit.stats();
    CHECK(stats.live_units == 0);
    CHECK(stats.compiled + stats.cache_hits == calls);
}

TEST_CASE("identical DAGs share code while a handle is alive", "[jit][cache]") {
    Jit jit;
    ExprContext one, two;
    const Expr x = one.variable("x"), y = one.variable("y");
    const Expr f = one.add(one.mul(one.make(Op::Sin, x), y), one.constant(2.0));
    // The same DAG in another context: other names, built in another order after unrelated nodes.
    two.make(Op::Exp, two.variable("unused"));
    const Expr b = two.variable("b"), a = two.variable("a");
    const Expr g = two.add(two.constant(2.0), two.mul(b, two.make(Op::Sin, a)));
    const Expr in_one[] = {x, y}, in_two[] = {a, b}, swapped[] = {b, a};

    Kernel k1 = jit.compile(std::span<const Expr>(&f, 1), in_one);
    CHECK(jit.stats().compiled == 1);
    CHECK(jit.stats().cache_hits == 0);
    CHECK(jit.stats().live_units == 1);
    Kernel k2 = jit.compile(std::span<const Expr>(&g, 1), in_two);
    CHECK(k2.function() == k1.function());
    CHECK(jit.stats().compiled == 1);
    CHECK(jit.stats().cache_hits == 1);
    CHECK(jit.stats().live_units == 1);
    // Another input order is another program.
    const Kernel k3 = jit.compile(std::span<const Expr>(&g, 1), swapped);
    CHECK(k3.function() != k1.function());
    CHECK(jit.stats().live_units == 2);
    const std::vector<double> point = {0.5, 3.0};
    CHECK(k1(point)[0] == std::sin(0.5) * 3.0 + 2.0);
    CHECK(k3(point)[0] == std::sin(3.0) * 0.5 + 2.0);

    // The same code for as long as any handle lives; compiled anew after the last is gone.
    const Kernel::Function first = k1.function();
    k1 = Kernel{};
    CHECK(jit.stats().live_units == 2);
    CHECK(jit.compile(std::span<const Expr>(&f, 1), in_one).function() == first);
    CHECK(jit.stats().cache_hits == 2);
    k2 = Kernel{};
    CHECK(jit.stats().live_units == 1);
    const Kernel again = jit.compile(std::span<const Expr>(&f, 1), in_one);
    CHECK(jit.stats().compiled == 3);
    CHECK(jit.stats().live_units == 2);
    CHECK(again(point)[0] == std::sin(0.5) * 3.0 + 2.0);

    // A copy of the Jit shares its session, and so its cache.
    Jit copy = jit;
    CHECK(copy.compile(std::span<const Expr>(&f, 1), in_one).function() == again.function());
    CHECK(jit.stats().cache_hits == 3);
}

TEST_CASE("the cache tells apart constants that differ only in their bits", "[jit][cache]") {
    Jit jit;
    ExprContext ctx;
    const Expr x = ctx.variable("x");
    const Expr plus = ctx.mul(x, ctx.constant(0.0)), minus = ctx.mul(x, ctx.constant(-0.0));
    const Kernel kp = jit.compile(std::span<const Expr>(&plus, 1), std::span<const Expr>(&x, 1));
    const Kernel km = jit.compile(std::span<const Expr>(&minus, 1), std::span<const Expr>(&x, 1));
    CHECK(kp.function() != km.function());
    const std::vector<double> one = {1.0};
    CHECK_FALSE(std::signbit(kp(one)[0]));
    CHECK(std::signbit(km(one)[0]));
    // The same DAG as a point kernel and as a map kernel is two programs.
    const MapKernel map = jit.compile_map(std::span<const Expr>(&plus, 1), {}, std::span<const Expr>(&x, 1));
    CHECK(reinterpret_cast<std::uintptr_t>(map.function()) != reinterpret_cast<std::uintptr_t>(kp.function()));
    std::vector<double> column = {1.0, -2.0, 3.0}, out(3, 7.0);
    const double* columns[] = {column.data()};
    double* outs[] = {out.data()};
    map({}, columns, 3, outs);
    CHECK(out == std::vector<double>{0.0, -0.0, 0.0});
    CHECK(std::signbit(out[1]));
    CHECK(jit.stats().live_units == 3);
}

TEST_CASE("keep_compiled_code keeps code after its kernels are gone, in copies too", "[jit][cache]") {
    ExprContext ctx;
    const Expr w = ctx.variable("w"), x = ctx.variable("x");
    const Expr loss = ctx.mul(ctx.sub(ctx.mul(w, x), ctx.constant(1.0)), ctx.sub(ctx.mul(w, x), ctx.constant(1.0)));
    const auto compile_and_drop = [&](Jit& jit) {
        (void)jit.compile_sum(std::span<const Expr>(&loss, 1), std::span<const Expr>(&w, 1),
                              std::span<const Expr>(&x, 1));
    };
    Jit plain;
    compile_and_drop(plain);
    compile_and_drop(plain);
    CHECK(plain.stats().compiled == 2);  // nothing held the first kernel
    CHECK(plain.stats().live_units == 0);

    Jit keeping;
    Jit copy = keeping;  // copied before: it keeps too
    keeping.keep_compiled_code();
    compile_and_drop(keeping);
    compile_and_drop(copy);
    compile_and_drop(keeping);
    CHECK(keeping.stats().compiled == 1);
    CHECK(keeping.stats().cache_hits == 2);
    CHECK(keeping.stats().live_units == 1);
}
