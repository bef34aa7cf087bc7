// The 784-128-10 network (relu hidden layer, softmax cross-entropy on integer labels)
// as a tensor program, its loss and gradient by W1, b1, W2, b2 compiled by
// compile_tensor_gradient, on batches of 32 and 256 rows, against the hand-written
// cache-blocked loop nest (bench/handwritten/mlp_step.cpp: -O3 -march=native, IEEE, no
// FMA, sums in the documented 8-partial order) in the same run; gradc on 1 and 2
// threads for the batch of 256, apart and alternating call by call; and the build +
// compile time with its peak memory.
//
// Data: deterministic random rows (pixels uniform in [0, 1), labels uniform in 0..9,
// He-initialised weights). gradc has no IDX reader (include/gradc/dataset.hpp reads
// CSV), and the timings do not depend on the values.
//
// GFLOP/s counts the multiplications and additions of the four matrix products only:
// forward 2N(784·128 + 128·10) (X W1, h W2), backward 2N(784·128 + 2·128·10) (Xᵀ dh,
// hᵀ dz, dz W2ᵀ): 2N·208,384 in all. The backward pass is not twice the forward here,
// as it is in a deeper network, because no gradient by the data X is needed.
//   build/release/bench/tensor_mlp_kernel_bench
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
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
using Shape = hand::MlpShape;

constexpr std::size_t kBatches[] = {32, 256};
constexpr std::size_t kMaxBatch = 256;
constexpr double kFlopsPerRow = 2.0 * (2 * 784 * 128 + 3 * 128 * 10);

constexpr const char* kSource =
    "W1: param[784,128]; b1: param[128]; W2: param[128,10]; b2: param[10];\n"
    "X: data[N,784]; y: data[N] int;\n"
    "h = relu(X @ W1 + b1);\n"
    "z = h @ W2 + b2;\n"
    "sum(logsumexp(z, axis=1) - take_along_axis(z, y, axis=1))";

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Parse, differentiate (tensor_gradient, canonicalize) and compile. The program
// declares the four parameters first, then X and y: the kernel's inputs in order.
gradc::TensorKernel build(gradc::Jit& jit, gradc::TensorContext& ctx) {
    const gradc::TensorProgram program = gradc::parse_tensor_program(ctx, kSource);
    const std::span<const gradc::Tensor> inputs(program.inputs);
    return gradc::compile_tensor_gradient(jit, ctx, program.outputs.at(0), inputs.first(4), inputs.subspan(4));
}

// Resident memory from /proc/self/status, in KiB: "VmRSS" now, "VmHWM" its peak.
double status_kib(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string key;
    double value = 0;
    while (status >> key) {
        if (key == std::string(field) + ":") {
            status >> value;
            return value;
        }
        status.ignore(1 << 12, '\n');
    }
    return std::nan("");
}

struct Weights {
    std::vector<double> W1, b1, W2, b2;
};

// The time a build takes and the resident memory it adds at its peak. VmHWM is reset
// first ("5" to /proc/self/clear_refs, Linux 4.0+) so that the peak is this build's;
// where that fails, getrusage's ru_maxrss delta (which shows only a new record peak).
struct BuildCost {
    double ms = 0;
    double peak_mib = 0;
    bool from_hwm = false;
};

template <class Build>
BuildCost measure(Build build_it) {
    BuildCost cost;
    std::ofstream reset("/proc/self/clear_refs");
    reset << "5";
    reset.close();
    cost.from_hwm = !reset.fail();
    const double at_reset = status_kib("VmHWM");  // the resident memory when the peak was reset
    rusage before{};
    getrusage(RUSAGE_SELF, &before);
    const auto start = Clock::now();
    build_it();
    cost.ms = ms_since(start);
    rusage after{};
    getrusage(RUSAGE_SELF, &after);
    cost.peak_mib = cost.from_hwm ? (status_kib("VmHWM") - at_reset) / 1024
                                  : static_cast<double>(after.ru_maxrss - before.ru_maxrss) / 1024;
    return cost;
}

struct Setup {
    std::vector<double> X;
    std::vector<std::int64_t> y;
    Weights w;
    std::unique_ptr<gradc::Jit> jit;
    std::unique_ptr<gradc::TensorContext> ctx = std::make_unique<gradc::TensorContext>();
    gradc::TensorKernel kernel;
    BuildCost first;   // the process's first kernel: the Jit's creation (LLVM's set-up) included
    BuildCost second;  // another build on that Jit, in a new context

    Setup() : X(kMaxBatch * Shape::kInputs), y(kMaxBatch) {
        std::mt19937_64 rng(7);
        std::uniform_real_distribution<double> pixel(0.0, 1.0);
        std::uniform_int_distribution<std::int64_t> label(0, Shape::kClasses - 1);
        for (double& v : X) v = pixel(rng);
        for (std::int64_t& v : y) v = label(rng);
        auto he = [&](std::size_t fan_in, std::size_t count) {
            std::normal_distribution<double> normal(0.0, std::sqrt(2.0 / static_cast<double>(fan_in)));
            std::vector<double> v(count);
            for (double& e : v) e = normal(rng);
            return v;
        };
        w.W1 = he(Shape::kInputs, Shape::kInputs * Shape::kHidden);
        w.b1.assign(Shape::kHidden, 0.01);
        w.W2 = he(Shape::kHidden, Shape::kHidden * Shape::kClasses);
        w.b2.assign(Shape::kClasses, 0.0);
        first = measure([&] {
            jit = std::make_unique<gradc::Jit>();
            kernel = build(*jit, *ctx);
        });
        second = measure([&] {
            gradc::TensorContext other;
            benchmark::DoNotOptimize(build(*jit, other).stage_count());
        });
    }
};

Setup& setup() {
    static Setup s;
    return s;
}

struct Gradient {
    double loss = 0;
    Weights g{std::vector<double>(Shape::kInputs * Shape::kHidden), std::vector<double>(Shape::kHidden),
              std::vector<double>(Shape::kHidden* Shape::kClasses), std::vector<double>(Shape::kClasses)};
};

class GradcStep {
public:
    void operator()(std::size_t rows, Gradient& out, gradc::ThreadPool* pool) {
        Setup& s = setup();
        const void* inputs[] = {s.w.W1.data(), s.w.b1.data(), s.w.W2.data(), s.w.b2.data(), s.X.data(), s.y.data()};
        double* outputs[] = {&out.loss, out.g.W1.data(), out.g.b1.data(), out.g.W2.data(), out.g.b2.data()};
        s.kernel(inputs, rows, outputs, scratch_, pool);
    }

private:
    std::vector<double> scratch_;
};

void handwritten_step(hand::MlpStep& step, std::size_t rows, Gradient& out) {
    const Setup& s = setup();
    out.loss = step(s.X.data(), s.y.data(), rows, s.w.W1.data(), s.w.b1.data(), s.w.W2.data(), s.w.b2.data(),
                    out.g.W1.data(), out.g.b1.data(), out.g.W2.data(), out.g.b2.data());
}

gradc::bench::LastTimes& last() {
    static gradc::bench::LastTimes times;
    return times;
}

void count_flops(benchmark::State& state) {
    state.counters["GFLOP/s"] = benchmark::Counter(kFlopsPerRow * static_cast<double>(state.range(0)) / 1e9,
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

// The median ratio of thread_scaling's pairs (NaN until it ran).
double& paired_speedup() {
    static double ratio = std::nan("");
    return ratio;
}

void handwritten(benchmark::State& state) {
    const std::size_t rows = static_cast<std::size_t>(state.range(0));
    hand::MlpStep step;
    Gradient out;
    last().measure(state, "handwritten/" + std::to_string(rows), [&] {
        handwritten_step(step, rows, out);
        benchmark::DoNotOptimize(out.loss);
        benchmark::ClobberMemory();
    });
    count_flops(state);
}

void gradc_kernel(benchmark::State& state) {
    const std::size_t rows = static_cast<std::size_t>(state.range(0)),
                      threads = static_cast<std::size_t>(state.range(1));
    gradc::ThreadPool pool(threads);
    GradcStep step;
    Gradient out;
    const std::string key = "gradc/" + std::to_string(rows) + "/" + std::to_string(threads);
    last().measure(state, key, [&] {
        step(rows, out, &pool);
        benchmark::DoNotOptimize(out.loss);
        benchmark::ClobberMemory();
    });
    count_flops(state);
    state.counters["stages"] = static_cast<double>(setup().kernel.stage_count());
    last().set_ratio(state, "vs_handwritten", key, "handwritten/" + std::to_string(rows));
    if (threads > 1) last().set_ratio(state, "speedup", "gradc/" + std::to_string(rows) + "/1", key);
}

// 1 and 2 threads on the batch of 256, alternating call by call: each pair runs under
// the same conditions of the machine (on a shared host, a slow spell of the second
// core lasts longer than a pair), and the median of the pairs' ratios is the speedup.
void thread_scaling(benchmark::State& state) {
    gradc::ThreadPool one(1), two(2);
    GradcStep step;
    Gradient out;
    std::vector<double> ratios;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        step(256, out, &one);
        const auto middle = std::chrono::steady_clock::now();
        step(256, out, &two);
        const auto end = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(out.loss);
        ratios.push_back(std::chrono::duration<double>(middle - start).count() /
                         std::chrono::duration<double>(end - middle).count());
    }
    std::sort(ratios.begin(), ratios.end());
    if (!ratios.empty()) paired_speedup() = ratios[ratios.size() / 2];
    state.counters["speedup"] = paired_speedup();
    state.counters["pairs"] = static_cast<double>(ratios.size());
}

// Build + compile on the Jit that exists: a new context each time, the kernel dropped
// within the iteration so no code stays alive to be reused.
void build_and_compile(benchmark::State& state) {
    gradc::Jit& jit = *setup().jit;
    for (auto _ : state) {
        gradc::TensorContext ctx;
        const gradc::TensorKernel kernel = build(jit, ctx);
        benchmark::DoNotOptimize(kernel.stage_count());
    }
}

// gradc's loss and gradient equal the hand-written ones before anything is timed, each
// within 1e-12 of its largest element: the products sum in one order, but gradc's
// softmax adjoint carries logsumexp's max term (0 up to rounding) and may associate
// the elementwise work otherwise. Also 1 and 2 threads give the same bits.
bool results_agree() {
    bool ok = true;
    gradc::ThreadPool two(2);
    for (const std::size_t rows : kBatches) {
        hand::MlpStep step;
        GradcStep gradc_step;
        Gradient want, got, got2;
        handwritten_step(step, rows, want);
        gradc_step(rows, got, nullptr);
        gradc_step(rows, got2, &two);
        auto worst = [](const std::vector<double>& a, const std::vector<double>& b) {
            double scale = 0, diff = 0;
            for (std::size_t i = 0; i < a.size(); ++i) {
                scale = std::max(scale, std::fabs(a[i]));
                diff = std::max(diff, std::fabs(a[i] - b[i]));
            }
            return diff / scale;
        };
        const double worst_grad = std::max({worst(want.g.W1, got.g.W1), worst(want.g.b1, got.g.b1),
                                            worst(want.g.W2, got.g.W2), worst(want.g.b2, got.g.b2)});
        const double loss_diff = std::fabs(want.loss - got.loss) / std::fabs(want.loss);
        const bool same_bits = got.loss == got2.loss && got.g.W1 == got2.g.W1 && got.g.b1 == got2.g.b1 &&
                               got.g.W2 == got2.g.W2 && got.g.b2 == got2.g.b2;
        const bool good = loss_diff <= 1e-12 && worst_grad <= 1e-12 && same_bits;
        std::printf(
            "batch %zu: loss %.17g (hand-written %.17g), gradients within %.3g of their largest element, "
            "1 and 2 threads %s%s\n",
            rows, got.loss, want.loss, worst_grad, same_bits ? "bit-identical" : "DIFFER", good ? "" : "  MISMATCH");
        ok = ok && good;
    }
    return ok;
}

void print_table(const gradc::bench::TableReporter& runs) {
    const Setup& s = setup();
    std::printf("\n784-128-10 MLP, loss + gradient (µs per batch, GFLOP/s of the four products):\n");
    for (const std::size_t rows : kBatches) {
        const std::string r = std::to_string(rows);
        const double hand = runs.time("handwritten/" + r), one = runs.time("gradc_kernel/" + r + "/1/real_time");
        const double flops = kFlopsPerRow * static_cast<double>(rows) / 1e3;  // per µs, in GFLOP/s
        std::printf(
            "  batch %4zu: hand-written %9.1f (%5.2f GFLOP/s), gradc 1 thread %9.1f (%5.2f GFLOP/s), "
            "%.2fx the hand-written time\n",
            rows, hand, flops / hand, one, flops / one, one / hand);
    }
    const double one = runs.time("gradc_kernel/256/1/real_time"), two = runs.time("gradc_kernel/256/2/real_time");
    std::printf("  batch  256, gradc 2 threads %9.1f: %.2fx faster than 1 thread; alternating call by call, %.2fx\n",
                two, one / two, paired_speedup());
    std::printf("  build + compile (parse, gradient, canonical form, compile): %.2f ms on an existing Jit\n",
                runs.time("build_and_compile") / 1e3);
    std::printf("    the process's first, with a new Jit: %.2f ms, peak resident memory +%.1f MiB (%s)\n", s.first.ms,
                s.first.peak_mib, s.first.from_hwm ? "VmHWM" : "ru_maxrss");
    std::printf("    a second on that Jit:                %.2f ms, peak resident memory +%.1f MiB (%s)\n", s.second.ms,
                s.second.peak_mib, s.second.from_hwm ? "VmHWM" : "ru_maxrss");
}

}  // namespace

BENCHMARK(handwritten)->Arg(32)->Arg(256)->Unit(benchmark::kMicrosecond);
BENCHMARK(gradc_kernel)->Args({32, 1})->Args({256, 1})->Args({256, 2})->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(thread_scaling)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(build_and_compile)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
    setup();  // the first build, and its memory, before anything else runs
    if (!results_agree()) return 1;
    return gradc::bench::run_with_table(argc, argv, print_table);
}
