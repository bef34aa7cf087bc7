// The Hessian of the logistic loss by its weights, X of 2000 x 1000:
//   X: data[N,1000]; y: data[N]; w: param[1000]; z = X @ w; sum(softplus(z) - y*z)
// built by tensor_hessian, put in canonical form (XᵀDX with D = diag(s(1 - s)),
// s = sigmoid(Xw), no n²-sized intermediate) and compiled by compile_tensor, against
// the hand-written symmetric XᵀDX (bench/handwritten/logistic_hessian.cpp: the upper
// triangle only, then mirrored; -O3 -march=native, IEEE, no FMA) in the same run.
// gradc twice: exact (the interpreter's bits, the whole matrix) and with
// TensorCompileOptions::symmetric (the triangle on and above the diagonal, mirrored:
// the hand-written loop's multiplications). Before timing, and outside it, every entry of both is compared with a
// long-double reference: |H - H_ref| <= c·eps·(|X|ᵀ D |X|) entry by entry, eps =
// DBL_EPSILON, and the largest c seen is printed.
//   build/release/bench/tensor_hessian_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "bench_table.hpp"
#include "gradc/jit.hpp"
#include "gradc/tensor_jit.hpp"
#include "gradc/tensor_parse.hpp"
#include "gradc/thread_pool.hpp"
#include "handwritten/tensor_programs.hpp"

namespace {

namespace hand = gradc::bench::handwritten;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kRows = 2000, kCols = 1000;
constexpr const char* kSource = "X: data[N,1000]; y: data[N]; w: param[1000]; z = X @ w; sum(softplus(z) - y*z)";

struct Compiled {
    gradc::TensorKernel kernel;
    std::vector<std::string> inputs;  // the kernel's inputs by name, in calling order
    std::size_t nodes = 0;            // tensor nodes of the canonical Hessian
};

// Parse, Hessian, canonical form, compile. The Hessian reads X and w, not y: the kernel
// takes the declared inputs it reads, in declaration order.
Compiled prepare(gradc::Jit& jit, gradc::TensorContext& ctx, bool symmetric) {
    const gradc::TensorProgram program = gradc::parse_tensor_program(ctx, kSource);
    const gradc::Tensor w = program.inputs.at(2);
    const gradc::Tensor hessian = gradc::tensor_hessian(ctx, program.outputs.at(0), w);
    const std::vector<gradc::Tensor> canonical = gradc::canonicalize(ctx, std::span<const gradc::Tensor>(&hessian, 1));
    const std::vector<gradc::Tensor> order = gradc::tensor_order(canonical);
    Compiled c;
    std::vector<gradc::Tensor> inputs;
    for (const gradc::Tensor input : program.inputs)
        if (std::find(order.begin(), order.end(), input) != order.end()) {
            inputs.push_back(input);
            c.inputs.emplace_back(input->name());
        }
    c.kernel = gradc::compile_tensor(jit, canonical, inputs, gradc::TensorCompileOptions{true, symmetric});
    c.nodes = order.size();
    return c;
}

struct Problem {
    std::vector<double> X, y, w;
    gradc::Jit jit;
    gradc::TensorContext ctx;
    Compiled compiled, symmetric;
    std::vector<double> scratch;

    Problem() : X(kRows * kCols), y(kRows), w(kCols) {
        std::mt19937_64 rng(11);
        std::normal_distribution<double> normal;
        for (double& v : X) v = normal(rng);
        // z = Xw of unit variance: s(1 - s) spread over (0, 1/4], neither saturated nor flat.
        for (double& v : w) v = normal(rng) / std::sqrt(static_cast<double>(kCols));
        for (double& v : y) v = normal(rng) > 0 ? 1.0 : 0.0;
        compiled = prepare(jit, ctx, false);
        symmetric = prepare(jit, ctx, true);
    }

    void gradc(double* H, gradc::ThreadPool* pool, bool mirrored) {
        const Compiled& c = mirrored ? symmetric : compiled;
        std::vector<const void*> inputs;
        for (const std::string& name : c.inputs)
            inputs.push_back(name == "X" ? X.data() : name == "w" ? w.data() : y.data());
        double* outputs[] = {H};
        c.kernel(inputs, kRows, outputs, scratch, pool);
    }
};

Problem& problem() {
    static Problem p;
    return p;
}

gradc::bench::LastTimes& last() {
    static gradc::bench::LastTimes times;
    return times;
}

void handwritten(benchmark::State& state) {
    Problem& p = problem();
    hand::LogisticHessian hessian;
    std::vector<double> H(kCols * kCols);
    last().measure(state, "handwritten", [&] {
        hessian(p.X.data(), kRows, kCols, p.w.data(), H.data());
        benchmark::ClobberMemory();
    });
}

// Arguments: threads, and 1 for the symmetric kernel.
void gradc_kernel(benchmark::State& state) {
    Problem& p = problem();
    gradc::ThreadPool pool(static_cast<std::size_t>(state.range(0)));
    const bool mirrored = state.range(1) != 0;
    std::vector<double> H(kCols * kCols);
    const std::string key = "gradc/" + std::to_string(state.range(0)) + "/" + std::to_string(state.range(1));
    last().measure(state, key, [&] {
        p.gradc(H.data(), &pool, mirrored);
        benchmark::ClobberMemory();
    });
    state.counters["stages"] = static_cast<double>((mirrored ? p.symmetric : p.compiled).kernel.stage_count());
    last().set_ratio(state, "vs_handwritten", key, "handwritten");
}

// On the Jit that exists, a new context each time; the kernel dies within the iteration.
void prepare_kernel(benchmark::State& state) {
    gradc::Jit& jit = problem().jit;
    for (auto _ : state) {
        gradc::TensorContext ctx;
        benchmark::DoNotOptimize(prepare(jit, ctx, true).kernel.stage_count());
    }
}

// The long-double reference and the bound's matrix |X|ᵀ D |X|, D from the reference z:
// upper triangle, row-major (entry (i, j), j >= i, at i*kCols + j).
struct Reference {
    std::vector<long double> H;
    std::vector<double> bound;
};

Reference reference(const Problem& p) {
    std::vector<long double> d(kRows);
    for (std::size_t n = 0; n < kRows; ++n) {
        long double z = 0;
        for (std::size_t i = 0; i < kCols; ++i) z += static_cast<long double>(p.X[n * kCols + i]) * p.w[i];
        const long double s = 1 / (1 + std::exp(-z));
        d[n] = s * (1 - s);
    }
    std::vector<double> columns(kCols * kRows);  // Xᵀ: the pairs of columns are read contiguously
    for (std::size_t n = 0; n < kRows; ++n)
        for (std::size_t i = 0; i < kCols; ++i) columns[i * kRows + n] = p.X[n * kCols + i];
    Reference r{std::vector<long double>(kCols * kCols), std::vector<double>(kCols * kCols)};
    std::vector<long double> scaled(kRows);
    for (std::size_t i = 0; i < kCols; ++i) {
        for (std::size_t n = 0; n < kRows; ++n) scaled[n] = columns[i * kRows + n] * d[n];
        for (std::size_t j = i; j < kCols; ++j) {
            const double* x = &columns[j * kRows];
            long double sum = 0, magnitude = 0;
            for (std::size_t n = 0; n < kRows; ++n) {
                sum += scaled[n] * x[n];
                magnitude += std::fabs(scaled[n] * x[n]);
            }
            r.H[i * kCols + j] = sum;
            r.bound[i * kCols + j] = static_cast<double>(magnitude);
        }
    }
    return r;
}

// The largest |H - H_ref| / (eps·(|X|ᵀ D |X|)) over every entry, both triangles.
double largest_ratio(const Reference& r, const std::vector<double>& H) {
    double worst = 0;
    for (std::size_t i = 0; i < kCols; ++i)
        for (std::size_t j = 0; j < kCols; ++j) {
            const std::size_t upper = std::min(i, j) * kCols + std::max(i, j);
            const long double error = std::fabs(static_cast<long double>(H[i * kCols + j]) - r.H[upper]);
            worst = std::max(worst, static_cast<double>(error) / (DBL_EPSILON * r.bound[upper]));
        }
    return worst;
}

// c for one kernel (nothing printed), the largest asymmetry over the bound, and whether
// 1 and 2 threads give the same bits.
struct Accuracy {
    double c = 0, asymmetry = 0;
    bool same_bits = false;
};

Accuracy accuracy_of(Problem& p, const Reference& r, bool mirrored) {
    std::vector<double> got(kCols * kCols), got2(kCols * kCols);
    p.gradc(got.data(), nullptr, mirrored);
    gradc::ThreadPool two(2);
    p.gradc(got2.data(), &two, mirrored);
    Accuracy a{largest_ratio(r, got), 0, got == got2};
    for (std::size_t i = 0; i < kCols; ++i)
        for (std::size_t j = i + 1; j < kCols; ++j)
            a.asymmetry =
                std::max(a.asymmetry, std::fabs(got[i * kCols + j] - got[j * kCols + i]) / r.bound[i * kCols + j]);
    return a;
}

bool accuracy_check() {
    Problem& p = problem();
    std::vector<double> want(kCols * kCols);
    hand::LogisticHessian hessian;
    hessian(p.X.data(), kRows, kCols, p.w.data(), want.data());
    const auto start = Clock::now();
    const Reference r = reference(p);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const Accuracy exact = accuracy_of(p, r, false), mirrored = accuracy_of(p, r, true);
    const double c_hand = largest_ratio(r, want);
    std::printf("logistic Hessian %zu x %zu from X %zu x %zu: %zu tensor nodes, %zu stages (%zu symmetric); inputs",
                kCols, kCols, kRows, kCols, p.compiled.nodes, p.compiled.kernel.stage_count(),
                p.symmetric.kernel.stage_count());
    for (const std::string& name : p.compiled.inputs) std::printf(" %s", name.c_str());
    std::printf(
        "\n  against a long-double reference (%.1f s): |H - H_ref| <= c·eps·(|X|' D |X|), eps = 2^-52, with\n"
        "  c at most %.3f for gradc (%.3f symmetric) and %.3f for the hand-written loop; gradc's exact H is\n"
        "  symmetric within %.3g eps of the bound, the symmetric one within %.3g; 1 and 2 threads %s\n",
        seconds, exact.c, mirrored.c, c_hand, exact.asymmetry / DBL_EPSILON, mirrored.asymmetry / DBL_EPSILON,
        exact.same_bits && mirrored.same_bits ? "bit-identical" : "DIFFER");
    // A sum of 2000 terms in 8 partials of 250 has error at most about 253 eps of the
    // sum of magnitudes; D's own error (from z) adds a few eps more. Past that is wrong.
    return exact.c <= 300 && mirrored.c <= 300 && c_hand <= 300 && exact.same_bits && mirrored.same_bits &&
           mirrored.asymmetry == 0;
}

void print_table(const gradc::bench::TableReporter& runs) {
    const double hand = runs.time("handwritten"), exact = runs.time("gradc_kernel/1/0/real_time"),
                 one = runs.time("gradc_kernel/1/1/real_time"), two = runs.time("gradc_kernel/2/1/real_time");
    // Multiplications and additions: 2·N·n² for the full product, half for the triangle.
    const double full = 2.0 * kRows * kCols * kCols / 1e6;  // per ms, in GFLOP/s
    std::printf("\nlogistic-loss Hessian, X %zu x %zu (ms per Hessian):\n", kRows, kCols);
    std::printf("  hand-written symmetric X'DX     %8.2f  (%.2f GFLOP/s of the triangle)\n", hand, full / 2 / hand);
    std::printf("  gradc exact, 1 thread           %8.2f  (%.2f GFLOP/s of the whole), %.2fx the hand-written time\n",
                exact, full / exact, exact / hand);
    std::printf(
        "  gradc symmetric, 1 thread       %8.2f  (%.2f GFLOP/s of the triangle), %.2fx the hand-written time\n", one,
        full / 2 / one, one / hand);
    std::printf("  gradc symmetric, 2 threads      %8.2f  %.2fx faster than 1 thread\n", two, one / two);
    std::printf("  prepare (parse, Hessian, canonical form, compile) %.2f ms\n", runs.time("prepare_kernel") / 1e3);
}

}  // namespace

BENCHMARK(handwritten)->Unit(benchmark::kMillisecond);
BENCHMARK(gradc_kernel)->Args({1, 0})->Args({1, 1})->Args({2, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(prepare_kernel)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
    if (!accuracy_check()) return 1;
    return gradc::bench::run_with_table(argc, argv, print_table);
}
