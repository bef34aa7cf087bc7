// Logistic regression loss + gradient over 10^5 rows x 16 features: gradc's batch
// kernel (1 and 2 threads) against hand-written loops compiled with -O3 -march=native,
// without and with -ffast-math, in the same run. Prints a ratio table at the end.
//   build/release/bench/batch_bench
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "baselines/logistic_loop.hpp"
#include "bench_table.hpp"
#include "gradc/gradc.hpp"

namespace {

constexpr std::size_t kRows = 100'000;
constexpr std::size_t kFeatures = 16;

struct Problem {
    std::vector<std::vector<double>> x;  // [feature][row]
    std::vector<double> y;
    std::vector<const double*> columns;  // x columns, then y
    std::vector<double> theta;           // w, then b

    Problem() : x(kFeatures, std::vector<double>(kRows)), y(kRows) {
        std::mt19937_64 rng(42);
        std::normal_distribution<double> normal;
        for (auto& column : x)
            for (double& v : column) v = normal(rng);
        for (std::size_t r = 0; r < kRows; ++r) y[r] = (x[0][r] - 0.5 * x[1][r] + 0.3 * normal(rng)) > 0 ? 1.0 : 0.0;
        for (auto& column : x) columns.push_back(column.data());
        columns.push_back(y.data());
        for (std::size_t i = 0; i <= kFeatures; ++i) theta.push_back(0.05 * static_cast<double>(i % 5) - 0.1);
    }
};

const Problem& problem() {
    static const Problem p;
    return p;
}

struct Compiled {
    gradc::ExprContext ctx;
    gradc::Jit jit;
    gradc::BatchKernel kernel;
    double compile_ms = 0;

    Compiled() {
        const auto start = std::chrono::steady_clock::now();
        std::string formula = "z = b";
        for (std::size_t i = 0; i < kFeatures; ++i) formula += " + w" + std::to_string(i) + "*x" + std::to_string(i);
        formula += "; softplus(z) - y*z";
        const gradc::Program p = gradc::parse(ctx, formula);
        std::vector<gradc::Expr> params, columns;
        for (std::size_t i = 0; i < kFeatures; ++i) params.push_back(ctx.variable("w" + std::to_string(i)));
        params.push_back(ctx.variable("b"));
        for (std::size_t i = 0; i < kFeatures; ++i) columns.push_back(ctx.variable("x" + std::to_string(i)));
        columns.push_back(ctx.variable("y"));
        kernel = gradc::compile_batch(jit, ctx, p.outputs[0], params, columns);
        compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }
};

Compiled& compiled() {
    static Compiled c;
    return c;
}

void count_rows(benchmark::State& state) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
}

void handwritten_ieee(benchmark::State& state) {
    const Problem& p = problem();
    std::vector<double> grad(kFeatures + 1);
    for (auto _ : state)
        benchmark::DoNotOptimize(gradc::bench::logistic_loss_ieee(p.theta.data(), p.theta[kFeatures], p.columns.data(),
                                                                  p.y.data(), kFeatures, kRows, grad.data()));
    count_rows(state);
}

void handwritten_fast_math(benchmark::State& state) {
    const Problem& p = problem();
    std::vector<double> grad(kFeatures + 1);
    for (auto _ : state)
        benchmark::DoNotOptimize(gradc::bench::logistic_loss_fast_math(
            p.theta.data(), p.theta[kFeatures], p.columns.data(), p.y.data(), kFeatures, kRows, grad.data()));
    count_rows(state);
}

void gradc_batch(benchmark::State& state) {
    const Problem& p = problem();
    Compiled& c = compiled();
    gradc::ThreadPool pool(static_cast<std::size_t>(state.range(0)));
    std::vector<double> out(kFeatures + 2);
    for (auto _ : state) {
        c.kernel(p.theta, p.columns, kRows, out, &pool);
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["lanes"] = c.kernel.lanes();
    count_rows(state);
}

// The three agree before anything is timed: a benchmark of wrong numbers is worthless.
bool results_agree() {
    const Problem& p = problem();
    std::vector<double> a(kFeatures + 1), b(kFeatures + 1), out(kFeatures + 2);
    const double la = gradc::bench::logistic_loss_ieee(p.theta.data(), p.theta[kFeatures], p.columns.data(), p.y.data(),
                                                       kFeatures, kRows, a.data());
    const double lb = gradc::bench::logistic_loss_fast_math(p.theta.data(), p.theta[kFeatures], p.columns.data(),
                                                            p.y.data(), kFeatures, kRows, b.data());
    compiled().kernel(p.theta, p.columns, kRows, out);
    auto close = [](double u, double v) { return std::fabs(u - v) <= 1e-9 * std::max(1.0, std::fabs(u)); };
    bool ok = close(la, out[0]) && close(lb, out[0]);
    for (std::size_t i = 0; i <= kFeatures; ++i) ok = ok && close(a[i], out[1 + i]) && close(b[i], out[1 + i]);
    if (!ok) std::fprintf(stderr, "batch_bench: gradc's loss %.17g differs from the hand-written %.17g\n", out[0], la);
    return ok;
}

void print_table(const gradc::bench::TableReporter& runs) {
    const double fast = runs.time("handwritten_fast_math");
    const double ieee = runs.time("handwritten_ieee");
    const double one = runs.time("gradc_batch/1/real_time");
    const double two = runs.time("gradc_batch/2/real_time");
    std::printf("\nlogistic regression, %zu rows x %zu features, loss + gradient (ms per pass):\n", kRows, kFeatures);
    std::printf("  hand-written -O3 -march=native      %8.3f\n", ieee);
    std::printf("  hand-written with -ffast-math       %8.3f\n", fast);
    std::printf(
        "  gradc batch kernel, 1 thread        %8.3f   %.2fx the fast-math loop's time, %.2fx the IEEE loop's\n", one,
        one / fast, one / ieee);
    std::printf("  gradc batch kernel, 2 threads       %8.3f   %.2fx faster than 1 thread\n", two, one / two);
    std::printf("  gradc parse + differentiate + compile: %.1f ms, %u rows per SIMD vector\n", compiled().compile_ms,
                compiled().kernel.lanes());
}

}  // namespace

BENCHMARK(handwritten_ieee)->Unit(benchmark::kMillisecond);
BENCHMARK(handwritten_fast_math)->Unit(benchmark::kMillisecond);
BENCHMARK(gradc_batch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char** argv) {
    if (!results_agree()) return 1;
    return gradc::bench::run_with_table(argc, argv, print_table);
}
