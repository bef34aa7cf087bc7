// Differentiation cost against DAG size: extended Rosenbrock, a product of n
// variables and an n-deep chain, for n = 10^2, 10^4, 10^6. Reports the forward node
// count, the value+gradient / forward node ratio, and forward nodes differentiated
// per second. Baseline in the same run: building the forward DAG itself (nodes/s);
// both slow down alike as the DAG outgrows the caches.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "gradc/autodiff.hpp"

namespace {

using gradc::Expr;
using gradc::ExprContext;
using gradc::Op;

// "x<i>", built by appending: GCC 12 warns falsely (-Wrestrict) on "x" + string at -O3.
std::string indexed_name(int i) {
    std::string name = "x";
    name.append(std::to_string(i));
    return name;
}

struct Problem {
    Expr f;
    std::vector<Expr> vars;
};

Problem rosenbrock(ExprContext& ctx, int n) {
    Problem p;
    for (int i = 0; i < n; ++i) p.vars.push_back(ctx.variable(indexed_name(i)));
    p.f = ctx.constant(0);
    for (int i = 0; i + 1 < n; ++i) {
        Expr a = ctx.sub(p.vars[i + 1], ctx.pow(p.vars[i], ctx.constant(2)));
        Expr b = ctx.sub(ctx.constant(1), p.vars[i]);
        p.f =
            ctx.add(p.f, ctx.add(ctx.mul(ctx.constant(100), ctx.pow(a, ctx.constant(2))), ctx.pow(b, ctx.constant(2))));
    }
    return p;
}

Problem product(ExprContext& ctx, int n) {
    Problem p;
    p.f = ctx.constant(1);
    for (int i = 0; i < n; ++i) {
        p.vars.push_back(ctx.variable(indexed_name(i)));
        p.f = ctx.mul(p.f, p.vars.back());
    }
    return p;
}

Problem chain(ExprContext& ctx, int n) {
    Problem p;
    p.vars.push_back(ctx.variable("x"));
    p.f = p.vars[0];
    for (int i = 0; i < n; ++i) p.f = ctx.make(i % 2 ? Op::Sin : Op::Tanh, p.f);
    return p;
}

template <Problem (*Make)(ExprContext&, int)>
void differentiate(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    double forward = 0, total = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto ctx = std::make_unique<ExprContext>();
        Problem p = Make(*ctx, n);
        forward = static_cast<double>(gradc::topological_order(p.f).size());
        state.ResumeTiming();
        std::vector<Expr> g = gradc::gradient(*ctx, p.f, p.vars);
        benchmark::DoNotOptimize(g.data());
        state.PauseTiming();
        g.push_back(p.f);
        total = static_cast<double>(gradc::topological_order(g).size());
        ctx.reset();  // freeing a million nodes is not part of differentiation
        state.ResumeTiming();
    }
    state.counters["forward_nodes"] = forward;
    state.counters["ratio_total_to_forward"] = total / forward;
    state.counters["forward_nodes_per_s"] =
        benchmark::Counter(forward * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// The baseline: building the forward DAG (hash-consing every node) at the same sizes.
template <Problem (*Make)(ExprContext&, int)>
void build_forward(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    double forward = 0;
    for (auto _ : state) {
        auto ctx = std::make_unique<ExprContext>();
        Problem p = Make(*ctx, n);
        forward = static_cast<double>(ctx->node_count());
        state.PauseTiming();
        ctx.reset();
        state.ResumeTiming();
    }
    state.counters["nodes_per_s"] =
        benchmark::Counter(forward * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

#define GRADC_SIZES ->Arg(100)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)
BENCHMARK_TEMPLATE(build_forward, chain) GRADC_SIZES;
BENCHMARK_TEMPLATE(differentiate, rosenbrock) GRADC_SIZES;
BENCHMARK_TEMPLATE(differentiate, product) GRADC_SIZES;
BENCHMARK_TEMPLATE(differentiate, chain) GRADC_SIZES;

BENCHMARK_MAIN();
