// Compiled point kernels (value + full gradient) against hand-written C++ compiled with
// -O3 -march=native (bench/handwritten/), in the same process, and what compiling costs.
//
// Point figures: each iteration calls the kernel once on each of a few dozen points
// (fewer for large n), through a raw function pointer, so neither side can be inlined
// or constant-folded; reported as CPU ns per point. Before anything is timed, every
// hand-written output is checked against the compiled kernel's at every point; a
// difference beyond 1e-9 relative stops the program (a benchmark of wrong math is
// worthless). Each formula is also compiled value-only (Derivatives::None) for the
// gradient / value cost ratio (target: at most 4), and once more with
// JitOptions::contract_fma, as GCC contracts the hand-written code (-ffp-contract=fast
// is its default for C++).
//
// Compile figures: x^2*sin(y) with a new Jit each time; the chained Rosenbrock n=1000
// from an empty ExprContext to a callable Kernel (a different constant each time, so
// the kernel cache never answers); and the same for n = 100 .. 30000 against DAG size.
//
// A table of all figures and ratios (medians when run with repetitions) ends the output:
//   build/release/bench/jit_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include "gradc/gradc.hpp"
#include "handwritten/point_formulas.hpp"

namespace {

using gradc::Expr;
using gradc::ExprContext;
using gradc::Kernel;
namespace hand = gradc::bench::handwritten;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// "x<i>", built by appending: GCC 12 warns falsely (-Wrestrict) on "x" + string at -O3.
std::string indexed_name(std::size_t i) {
    std::string name = "x";
    name.append(std::to_string(i));
    return name;
}

// sum_{i=0}^{n-2} scale*(x_{i+1} - x_i^2)^2 + (1 - x_i)^2, summed left to right.
Expr rosenbrock_dag(ExprContext& ctx, std::size_t n, std::vector<Expr>& x, double scale = 100) {
    x.clear();
    for (std::size_t i = 0; i < n; ++i) x.push_back(ctx.variable(indexed_name(i)));
    const Expr two = ctx.constant(2), one = ctx.constant(1), c = ctx.constant(scale);
    Expr f = ctx.constant(0);
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const Expr a = ctx.sub(x[i + 1], ctx.pow(x[i], two));
        const Expr b = ctx.sub(one, x[i]);
        f = ctx.add(f, ctx.add(ctx.mul(c, ctx.pow(a, two)), ctx.pow(b, two)));
    }
    return f;
}

std::size_t dag_nodes(std::span<const Expr> outputs) { return gradc::topological_order(outputs).size(); }

gradc::Jit& shared_jit() {
    static gradc::Jit jit;
    return jit;
}

gradc::Jit& fma_jit() {
    static gradc::Jit jit([] {
        gradc::JitOptions options;
        options.contract_fma = true;
        return options;
    }());
    return jit;
}

// ---------------------------------------------------------------------------------
// Point kernels

struct Case {
    std::string name;
    ExprContext ctx;
    Expr f = nullptr;
    std::vector<Expr> inputs;
    hand::PointFunction handwritten = nullptr;
    std::vector<std::pair<double, double>> ranges;  // per input, or one for all
    Kernel gradient, gradient_fma, value;
    std::size_t gradient_nodes = 0;  // DAG nodes of the value and its partials
    std::size_t point_count = 0;
    std::vector<double> points;  // point_count rows of inputs.size() values
};

std::vector<std::unique_ptr<Case>>& cases() {
    static std::vector<std::unique_ptr<Case>> all;
    return all;
}

// `inputs` names the variables in the order the hand-written function takes them.
void add_formula(std::string name, const char* formula, const std::vector<const char*>& inputs,
                 hand::PointFunction handwritten, std::vector<std::pair<double, double>> ranges) {
    auto c = std::make_unique<Case>();
    c->name = std::move(name);
    c->f = gradc::parse_expr(c->ctx, formula);
    for (const char* v : inputs) {
        const Expr var = c->ctx.find_variable(v);
        if (var == nullptr) {
            std::fprintf(stderr, "jit_bench: %s: no variable %s\n", c->name.c_str(), v);
            std::exit(1);
        }
        c->inputs.push_back(var);
    }
    c->handwritten = handwritten;
    c->ranges = std::move(ranges);
    cases().push_back(std::move(c));
}

void add_rosenbrock(std::size_t n) {
    auto c = std::make_unique<Case>();
    c->name = "rosenbrock/" + std::to_string(n);
    c->f = rosenbrock_dag(c->ctx, n, c->inputs);
    c->handwritten = hand::rosenbrock(n);
    c->ranges = {{-1.5, 1.5}};
    cases().push_back(std::move(c));
}

// |a - b| within 1e-9 of max(|a|, |b|); a component far smaller than the largest
// output at the point (cancellation, as in Rosenbrock's partials) is compared relative
// to 1e-6 of that largest output instead.
bool close(double mine, double theirs, double scale) {
    if (!std::isfinite(mine) || !std::isfinite(theirs)) return false;
    const double size = std::max({std::fabs(mine), std::fabs(theirs), 1e-6 * scale});
    return std::fabs(mine - theirs) <= 1e-9 * size;
}

// Compiles every case (value + gradient, and value only) and checks the hand-written
// outputs against the gradient kernel at every point. Exits on any disagreement.
void prepare_cases() {
    add_formula("x^2*sin(y)", "x^2*sin(y)", {"x", "y"}, hand::x2_sin_y, {{-2, 2}});
    add_formula("feynman_I.41.16", "h/(2*pi) * omega^3/(pi^2*c^2) / (exp(h/(2*pi)*omega/(kb*T)) - 1)",
                {"omega", "T", "h", "kb", "c"}, hand::feynman_I_41_16, {{0.5, 3}});
    add_formula("exp(-r)*cos(3r)/r", "r = sqrt(x^2 + y^2 + z^2); exp(-r)*cos(3*r)/r", {"x", "y", "z"},
                hand::radial_wave, {{0.1, 2}});
    add_formula("log+atan*sqrt", "log(1 + x^2) + atan(y/x)*sqrt(z)", {"x", "y", "z"}, hand::log_atan_sqrt,
                {{0.5, 2}, {-2, 2}, {0.1, 2}});
    add_formula("sin*cos*tanh+log", "sin(x)*cos(y)*tanh(z) + log(x*y + 2)", {"x", "y", "z"}, hand::trig_tanh_log,
                {{0, 2}, {0, 2}, {-2, 2}});
    for (std::size_t n : {10, 100, 1000, 10000}) add_rosenbrock(n);

    std::mt19937_64 rng(20240601);
    int failures = 0;
    for (auto& owned : cases()) {
        Case& c = *owned;
        const std::size_t n = c.inputs.size();
        c.gradient = gradc::compile_point(shared_jit(), c.ctx, c.f, c.inputs, gradc::Derivatives::Gradient);
        c.gradient_fma = gradc::compile_point(fma_jit(), c.ctx, c.f, c.inputs, gradc::Derivatives::Gradient);
        c.value = gradc::compile_point(shared_jit(), c.ctx, c.f, c.inputs, gradc::Derivatives::None);
        std::vector<Expr> outputs = gradc::gradient(c.ctx, c.f, c.inputs);  // the same nodes (hash-consed)
        outputs.push_back(c.f);
        c.gradient_nodes = dag_nodes(outputs);
        if (c.handwritten == nullptr || c.gradient.input_count() != n || c.gradient.output_count() != n + 1 ||
            c.value.output_count() != 1) {
            std::fprintf(stderr, "jit_bench: %s: kernel or baseline of the wrong shape\n", c.name.c_str());
            std::exit(1);
        }
        // A few dozen points, fewer for large n so they stay in cache.
        c.point_count = std::clamp<std::size_t>(40'000 / n, 4, 64);
        c.points.resize(c.point_count * n);
        for (std::size_t i = 0; i < c.points.size(); ++i) {
            const auto [lo, hi] = c.ranges[c.ranges.size() == 1 ? 0 : i % n];
            c.points[i] = std::uniform_real_distribution<double>(lo, hi)(rng);
        }
        std::vector<double> mine(n + 1), fused(n + 1), theirs(n + 1), value_only(1);
        for (std::size_t p = 0; p < c.point_count; ++p) {
            const double* in = c.points.data() + p * n;
            c.gradient.function()(in, mine.data());
            c.gradient_fma.function()(in, fused.data());
            c.handwritten(in, theirs.data());
            c.value.function()(in, value_only.data());
            double scale = 0;
            for (double v : theirs) scale = std::max(scale, std::fabs(v));
            for (std::size_t k = 0; k <= n; ++k)
                if (!close(mine[k], theirs[k], scale) && failures++ < 10) {
                    const std::string what =
                        k == 0 ? std::string("value") : "d/d" + std::string(c.inputs[k - 1]->name());
                    std::fprintf(stderr, "jit_bench: %s, point %zu, %s: gradc %.17g, hand-written %.17g\n",
                                 c.name.c_str(), p, what.c_str(), mine[k], theirs[k]);
                }
            for (std::size_t k = 0; k <= n; ++k)
                if (!close(fused[k], theirs[k], scale) && failures++ < 10)
                    std::fprintf(stderr,
                                 "jit_bench: %s, point %zu, output %zu: gradc with FMA %.17g, hand-written %.17g\n",
                                 c.name.c_str(), p, k, fused[k], theirs[k]);
            if (!close(value_only[0], theirs[0], scale) && failures++ < 10)
                std::fprintf(stderr, "jit_bench: %s, point %zu: value-only kernel %.17g, hand-written %.17g\n",
                             c.name.c_str(), p, value_only[0], theirs[0]);
        }
    }
    if (failures != 0) {
        std::fprintf(stderr,
                     "jit_bench: %d outputs where gradc and the hand-written code disagree (first 10 above); "
                     "nothing timed\n",
                     failures);
        std::exit(1);
    }
}

void run_points(benchmark::State& state, const Case& c, hand::PointFunction fn) {
    const std::size_t n = c.inputs.size();
    std::vector<double> out(n + 1);
    benchmark::DoNotOptimize(fn);  // an opaque pointer: nothing to inline
    for (auto _ : state) {
        const double* in = c.points.data();
        for (std::size_t p = 0; p < c.point_count; ++p, in += n) {
            fn(in, out.data());
            benchmark::DoNotOptimize(out.data());
        }
        benchmark::ClobberMemory();
    }
    const double points = static_cast<double>(c.point_count);
    state.counters["points"] = points;
    state.counters["per_point"] =
        benchmark::Counter(points, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

constexpr const char* kHand = "hand-written";
constexpr const char* kGradient = "gradc";
constexpr const char* kGradientFma = "gradc-fma";
constexpr const char* kValue = "gradc-value-only";

void register_point_benchmarks() {
    for (auto& owned : cases()) {
        const Case& c = *owned;
        const auto add = [&c](const char* who, hand::PointFunction fn) {
            benchmark::RegisterBenchmark(("point/" + c.name + "/" + who).c_str(), [&c, fn](benchmark::State& s) {
                run_points(s, c, fn);
            })->MinTime(0.2);
        };
        add(kHand, c.handwritten);
        add(kGradient, c.gradient.function());
        add(kGradientFma, c.gradient_fma.function());
        add(kValue, c.value.function());
    }
}

// ---------------------------------------------------------------------------------
// Compile cost

// (b) x^2*sin(y), value + gradient, from nothing: a new Jit (LLVM session), parse,
// differentiate, compile, one call. Tearing the Jit down is not counted.
void compile_x2_sin_y_new_jit(benchmark::State& state) {
    double jit_ms = 0, compile_ms = 0;
    for (auto _ : state) {
        Clock::time_point start = Clock::now();
        auto jit = std::make_unique<gradc::Jit>();
        jit_ms += ms_since(start);
        start = Clock::now();
        auto ctx = std::make_unique<ExprContext>();
        const gradc::Program p = gradc::parse(*ctx, "x^2*sin(y)");
        Kernel k = gradc::compile_point(*jit, *ctx, p.outputs[0], p.variables);
        const double in[2] = {1.5, 0.5};
        double out[3];
        k.function()(in, out);
        compile_ms += ms_since(start);
        benchmark::DoNotOptimize(out);
        state.PauseTiming();
        k = Kernel();
        ctx.reset();
        jit.reset();
        state.ResumeTiming();
    }
    state.counters["new_jit_ms"] = benchmark::Counter(jit_ms, benchmark::Counter::kAvgIterations);
    state.counters["compile_ms"] = benchmark::Counter(compile_ms, benchmark::Counter::kAvgIterations);
}

// (a), (c) Chained Rosenbrock n = range(0): build the DAG in an empty context,
// differentiate, compile (shared Jit; a different constant each time, so no cache hit),
// until the Kernel can be called. Freeing the context and code is not counted.
void compile_rosenbrock(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    gradc::Jit& jit = shared_jit();
    const std::size_t hits_before = jit.stats().cache_hits;
    static int distinct = 0;
    double build_ms = 0, gradient_ms = 0, compile_ms = 0;
    std::size_t nodes = 0;
    std::vector<double> in(n, 0.5), out(n + 1);
    for (auto _ : state) {
        Clock::time_point start = Clock::now();
        auto ctx = std::make_unique<ExprContext>();
        std::vector<Expr> x;
        const Expr f = rosenbrock_dag(*ctx, n, x, 100.0 + ++distinct);
        build_ms += ms_since(start);
        start = Clock::now();
        std::vector<Expr> outputs = gradc::gradient(*ctx, f, x);
        outputs.insert(outputs.begin(), f);
        gradient_ms += ms_since(start);
        start = Clock::now();
        Kernel k = jit.compile(outputs, x);  // what compile_point does after gradient()
        k.function()(in.data(), out.data());
        compile_ms += ms_since(start);
        benchmark::DoNotOptimize(out.data());
        state.PauseTiming();
        nodes = dag_nodes(outputs);
        k = Kernel();
        ctx.reset();
        state.ResumeTiming();
    }
    if (jit.stats().cache_hits != hits_before) state.SkipWithError("the kernel cache answered: not a compile");
    state.counters["nodes"] = static_cast<double>(nodes);
    state.counters["build_ms"] = benchmark::Counter(build_ms, benchmark::Counter::kAvgIterations);
    state.counters["gradient_ms"] = benchmark::Counter(gradient_ms, benchmark::Counter::kAvgIterations);
    state.counters["compile_ms"] = benchmark::Counter(compile_ms, benchmark::Counter::kAvgIterations);
    state.counters["compile_us_per_node"] =
        benchmark::Counter(compile_ms * 1e3 / static_cast<double>(nodes), benchmark::Counter::kAvgIterations);
}

constexpr std::size_t kScalingSizes[] = {100, 1000, 10000, 30000};

void register_compile_benchmarks() {
    benchmark::RegisterBenchmark("compile/x^2*sin(y)/new_jit", compile_x2_sin_y_new_jit)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->MinTime(0.5);
    auto* b = benchmark::RegisterBenchmark("compile/rosenbrock", compile_rosenbrock);
    for (std::size_t n : kScalingSizes) b->Arg(static_cast<std::int64_t>(n));
    b->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);
}

// ---------------------------------------------------------------------------------
// Summary

// The console output, then a table of every figure: medians when the benchmarks ran
// with repetitions, else the single run.
class SummaryReporter : public benchmark::ConsoleReporter {
public:
    explicit SummaryReporter(bool color) : ConsoleReporter(color ? OO_ColorTabular : OO_Tabular) {}

    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& run : runs) {
            if (run.error_occurred) continue;
            const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
            if (run.run_type != Run::RT_Iteration && !median) continue;
            // The name without the "/min_time:..." and "/real_time" suffixes.
            std::string name = run.run_name.function_name;
            if (!run.run_name.args.empty()) name += "/" + run.run_name.args;
            Figures& f = figures_[name];
            if (f.median && !median) continue;
            f.median = median;
            const double unit = benchmark::GetTimeUnitMultiplier(run.time_unit);  // per second
            f.cpu_ns = run.GetAdjustedCPUTime() / unit * 1e9;
            f.real_ns = run.GetAdjustedRealTime() / unit * 1e9;
            for (const auto& [counter_name, counter] : run.counters) f.counters[counter_name] = counter.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }

    void Finalize() override {
        ConsoleReporter::Finalize();
        std::ostream& out = GetOutputStream();
        char line[256];
        const auto print = [&](auto... args) {
            std::snprintf(line, sizeof line, args...);
            out << line;
        };
        print("\n%s; CPU ns per point, value + gradient unless said; ratio = gradc / hand-written\n",
              jit_description().c_str());
        print("%-18s %6s %7s %9s %9s %6s %10s %6s %11s %8s\n", "point kernel", "inputs", "nodes", "hand", "gradc",
              "ratio", "gradc-fma", "ratio", "value-only", "grad/val");
        for (const auto& owned : cases()) {
            const Case& c = *owned;
            const double h = per_point("point/" + c.name + "/" + kHand);
            const double g = per_point("point/" + c.name + "/" + kGradient);
            const double fg = per_point("point/" + c.name + "/" + kGradientFma);
            const double v = per_point("point/" + c.name + "/" + kValue);
            if (h < 0 || g < 0 || fg < 0 || v < 0) continue;  // filtered out
            print("%-18s %6zu %7zu %9.1f %9.1f %6.2f %10.1f %6.2f %11.1f %5.2f %s\n", c.name.c_str(), c.inputs.size(),
                  c.gradient_nodes, h, g, g / h, fg, fg / h, v, g / v, g / v <= 4 ? "ok" : "MISSED (target <= 4)");
        }
        if (const Figures* f = find("compile/x^2*sin(y)/new_jit"))
            print(
                "\ncompile x^2*sin(y) value+gradient with a new Jit: %.2f ms (new Jit %.2f ms, parse..call %.2f ms)\n",
                f->real_ns / 1e6, f->counters.at("new_jit_ms"), f->counters.at("compile_ms"));
        print("\n%-28s %8s %10s %10s %11s %11s %12s\n", "Rosenbrock: empty ctx..call", "nodes", "total ms", "build ms",
              "gradient ms", "compile ms", "compile us/node");
        for (std::size_t n : kScalingSizes) {
            const Figures* f = find("compile/rosenbrock/" + std::to_string(n));
            if (f == nullptr) continue;
            auto counters = f->counters;
            print("n = %-24zu %8.0f %10.1f %10.1f %11.1f %11.1f %12.2f\n", n, counters["nodes"], f->real_ns / 1e6,
                  counters["build_ms"], counters["gradient_ms"], counters["compile_ms"],
                  counters["compile_us_per_node"]);
        }
        print("(kernels over %zu DAG nodes get the lighter LLVM pipeline, JitOptions::large_kernel_nodes)\n",
              shared_jit().options().large_kernel_nodes);
    }

private:
    struct Figures {
        bool median = false;
        double cpu_ns = 0, real_ns = 0;
        std::map<std::string, double> counters;
    };

    const Figures* find(const std::string& name) const {
        const auto it = figures_.find(name);
        return it == figures_.end() ? nullptr : &it->second;
    }
    // CPU ns per point, or -1 when the benchmark did not run.
    double per_point(const std::string& name) const {
        const Figures* f = find(name);
        if (f == nullptr) return -1;
        return f->cpu_ns / f->counters.at("points");
    }
    static std::string jit_description() {
        return "gradc JIT (" + shared_jit().cpu_name() + ", default JitOptions; gradc-fma: contract_fma)";
    }

    std::map<std::string, Figures> figures_;
};

}  // namespace

// --benchmark_color as the library reads it (a reporter of our own does not get it):
// auto (the default) colours a terminal.
bool use_color(int argc, char** argv) {
    std::string_view value = "auto";
    for (int i = 1; i < argc; ++i)
        if (std::string_view arg = argv[i]; arg.starts_with("--benchmark_color="))
            value = arg.substr(arg.find('=') + 1);
    if (value == "auto") return isatty(STDOUT_FILENO) != 0;
    return value == "true" || value == "yes" || value == "1";
}

int main(int argc, char** argv) {
    const bool color = use_color(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const Clock::time_point start = Clock::now();
    prepare_cases();
    std::printf("compiled and checked %zu point kernels in %.1f s\n", 3 * cases().size(), ms_since(start) / 1e3);
    benchmark::AddCustomContext("gradc_jit_cpu", shared_jit().cpu_name());
    register_point_benchmarks();
    register_compile_benchmarks();
    SummaryReporter reporter(color);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
}
