// Chained Rosenbrock as a tensor program, written with slices and one sum,
//   x: param[n]; sum(100*(x[1:] - x[:-1]^2)^2 + (1 - x[:-1])^2)
// its value and gradient compiled by compile_tensor_gradient, at n = 10^3, 10^4, 10^6,
// against the hand-written loop (bench/handwritten/rosenbrock_gradient.cpp: -O3
// -march=native, IEEE, no FMA) in the same run; and the time to prepare the kernel
// (parse, differentiate, compile on a Jit that exists already), which must not grow
// with n: the program is 20-odd tensor nodes whatever n is. Prints a table at the end.
//   build/release/bench/tensor_rosenbrock_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "bench_table.hpp"
#include "gradc/jit.hpp"
#include "gradc/tensor_jit.hpp"
#include "gradc/tensor_parse.hpp"
#include "handwritten/tensor_programs.hpp"

namespace {

namespace hand = gradc::bench::handwritten;

constexpr std::size_t kSizes[] = {1'000, 10'000, 1'000'000};
constexpr double kPrepareBudgetMs = 10;

std::string source(std::size_t n) {
    return "x: param[" + std::to_string(n) + "]; sum(100*(x[1:] - x[:-1]^2)^2 + (1 - x[:-1])^2)";
}

gradc::Jit& shared_jit() {
    static gradc::Jit jit;
    return jit;
}

// Parse, differentiate (tensor_gradient, canonicalize) and compile: what "prepare" times.
gradc::TensorKernel prepare(gradc::Jit& jit, gradc::TensorContext& ctx, std::size_t n) {
    const gradc::TensorProgram program = gradc::parse_tensor_program(ctx, source(n));
    return gradc::compile_tensor_gradient(jit, ctx, program.outputs.at(0), program.inputs, {});
}

struct Problem {
    std::vector<double> x;
    gradc::TensorContext ctx;
    gradc::TensorKernel kernel;
    std::vector<double> scratch;

    explicit Problem(std::size_t n) : x(n) {
        std::mt19937_64 rng(42);
        std::uniform_real_distribution<double> uniform(-2.0, 2.0);
        for (double& v : x) v = uniform(rng);
        kernel = prepare(shared_jit(), ctx, n);
        scratch.resize(kernel.scratch_size(1));
    }

    void gradc(double& f, std::vector<double>& g) {
        const void* inputs[] = {x.data()};
        double* outputs[] = {&f, g.data()};
        kernel(inputs, 1, outputs, std::span<double>(scratch));
    }
};

Problem& problem(std::size_t n) {
    static std::map<std::size_t, std::unique_ptr<Problem>> problems;
    std::unique_ptr<Problem>& p = problems[n];
    if (!p) p = std::make_unique<Problem>(n);
    return *p;
}

gradc::bench::LastTimes& last() {
    static gradc::bench::LastTimes times;
    return times;
}

void handwritten(benchmark::State& state) {
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    const std::vector<double>& x = problem(n).x;
    std::vector<double> g(n);
    last().measure(state, "handwritten/" + std::to_string(n), [&] {
        benchmark::DoNotOptimize(hand::rosenbrock_value_gradient(x.data(), n, g.data()));
        benchmark::ClobberMemory();
    });
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void gradc_kernel(benchmark::State& state) {
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    Problem& p = problem(n);
    double f = 0;
    std::vector<double> g(n);
    last().measure(state, "gradc/" + std::to_string(n), [&] {
        p.gradc(f, g);
        benchmark::DoNotOptimize(f);
        benchmark::ClobberMemory();
    });
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.counters["stages"] = static_cast<double>(p.kernel.stage_count());
    last().set_ratio(state, "vs_handwritten", "gradc/" + std::to_string(n), "handwritten/" + std::to_string(n));
}

// A fresh context each time, the Jit kept: its set-up (target, pass pipeline) is paid
// once per process, not per kernel. The kernel dies within the iteration, so no code
// stays alive to be reused.
void prepare_kernel(benchmark::State& state) {
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    gradc::Jit& jit = shared_jit();
    last().measure(state, "prepare/" + std::to_string(n), [&] {
        gradc::TensorContext ctx;
        const gradc::TensorKernel kernel = prepare(jit, ctx, n);
        benchmark::DoNotOptimize(kernel.stage_count());
    });
    state.counters["within_10ms"] = last().seconds("prepare/" + std::to_string(n)) <= kPrepareBudgetMs / 1e3 ? 1 : 0;
}

// gradc's value and gradient equal the hand-written ones before anything is timed: the
// sums follow one order, but the gradient's terms may be added in another, so the
// gradient is compared within 1e-13 of its largest element.
bool results_agree() {
    bool ok = true;
    for (const std::size_t n : kSizes) {
        Problem& p = problem(n);
        std::vector<double> want(n), got(n);
        const double f_want = hand::rosenbrock_value_gradient(p.x.data(), n, want.data());
        double f_got = 0;
        p.gradc(f_got, got);
        double scale = 0, worst = 0;
        for (std::size_t i = 0; i < n; ++i) {
            scale = std::max(scale, std::fabs(want[i]));
            worst = std::max(worst, std::fabs(want[i] - got[i]));
        }
        const bool good = std::fabs(f_got - f_want) <= 1e-13 * std::fabs(f_want) && worst <= 1e-13 * scale;
        std::printf("n = %zu: value %.17g (hand-written %.17g), largest gradient difference %.3g of %.3g%s\n", n, f_got,
                    f_want, worst, scale, good ? "" : "  MISMATCH");
        ok = ok && good;
    }
    return ok;
}

void print_table(const gradc::bench::TableReporter& runs) {
    std::printf("\nchained Rosenbrock, value + gradient (µs per call; prepare = parse + gradient + compile):\n");
    std::printf("  %10s %14s %14s %10s %14s\n", "n", "hand-written", "gradc", "ratio", "prepare");
    for (const std::size_t n : kSizes) {
        const std::string arg = "/" + std::to_string(n);
        const double hand = runs.time("handwritten" + arg), jit = runs.time("gradc_kernel" + arg),
                     prep = runs.time("prepare_kernel" + arg) / 1e3;
        std::printf("  %10zu %14.2f %14.2f %9.2fx %11.2f ms%s\n", n, hand, jit, jit / hand, prep,
                    prep <= kPrepareBudgetMs ? "" : "  (over the 10 ms budget)");
    }
}

void sizes(benchmark::internal::Benchmark* b) {
    for (const std::size_t n : kSizes) b->Arg(static_cast<std::int64_t>(n));
    b->Unit(benchmark::kMicrosecond);
}

}  // namespace

BENCHMARK(handwritten)->Apply(sizes);
BENCHMARK(gradc_kernel)->Apply(sizes);
BENCHMARK(prepare_kernel)->Apply(sizes);

int main(int argc, char** argv) {
    if (!results_agree()) return 1;
    return gradc::bench::run_with_table(argc, argv, print_table);
}
