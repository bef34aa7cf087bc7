// The C++ side of bench/python/bench_calls.py: the map kernel gradc.compile() makes for
// a formula's value and gradient (the same DAG, so the same code), called from C++ over
// N points, its outputs written into buffers allocated once. The script times the same
// kernel called from Python over NumPy arrays and prints the ratios.
//
//   python_map_bench [--formula F] [--points N] [google benchmark flags]
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/jit.hpp"
#include "gradc/parse.hpp"
#include "gradc/passes.hpp"

namespace {

std::string formula = "x^2*sin(y) + exp(-x*y)/(1 + z^2)";
std::size_t points = 1'000'000;

void cxx_map(benchmark::State& state) {
    gradc::ExprContext ctx;
    const gradc::Program program = gradc::parse(ctx, formula);
    // As the Python module builds it: the stable form's value, then its gradient.
    const gradc::Expr value = gradc::stable_forms(ctx, program.outputs.at(0));
    std::vector<gradc::Expr> outputs{value};
    for (const gradc::Expr g : gradc::gradient(ctx, value, program.variables)) outputs.push_back(g);
    gradc::Jit jit;
    const gradc::MapKernel kernel = jit.compile_map(outputs, {}, program.variables);

    const std::size_t k = program.variables.size();
    std::vector<double> in(k * points);
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (double& v : in) v = uniform(rng);
    std::vector<const double*> columns;
    for (std::size_t i = 0; i < k; ++i) columns.push_back(in.data() + i * points);
    // Arg 0: results into buffers allocated once. Arg 1: into new, uninitialized buffers
    // at every call, whose pages the kernel's writes fault in, as a NumPy result's are.
    const bool fresh = state.range(0) == 1;
    const std::size_t count = outputs.size() * points;
    std::unique_ptr<double[]> out(new double[count]);
    for (auto _ : state) {
        if (fresh) out.reset(new double[count]);
        std::vector<double*> out_columns;
        for (std::size_t i = 0; i < outputs.size(); ++i) out_columns.push_back(out.get() + i * points);
        kernel({}, columns, points, out_columns);
        benchmark::DoNotOptimize(out.get());
        benchmark::ClobberMemory();
    }
    state.counters["points"] = static_cast<double>(points);
}
BENCHMARK(cxx_map)->ArgName("fresh")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    // Our own flags first; Google Benchmark takes the rest.
    std::vector<char*> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--formula") == 0 && i + 1 < argc)
            formula = argv[++i];
        else if (std::strcmp(argv[i], "--points") == 0 && i + 1 < argc)
            points = std::stoul(argv[++i]);
        else
            rest.push_back(argv[i]);
    }
    int count = static_cast<int>(rest.size());
    benchmark::Initialize(&count, rest.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
