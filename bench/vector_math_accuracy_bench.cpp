// How far glibc's libmvec (the vector functions batch and map kernels call) is from
// scalar libm (what the interpreter calls): the largest difference in ulp over a
// million points per function, measured through gradc's own map kernels, vector
// math on against off. Not a timing benchmark:
//   build/release/bench/vector_math_accuracy_bench
#include <gradc/gradc.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

// Distance in units in the last place between two finite doubles of the same sign.
double ulps(double a, double b) {
    if (a == b || (std::isnan(a) && std::isnan(b))) return 0;
    if (!std::isfinite(a) || !std::isfinite(b) || std::signbit(a) != std::signbit(b)) return INFINITY;
    const auto ia = std::bit_cast<std::int64_t>(std::fabs(a)), ib = std::bit_cast<std::int64_t>(std::fabs(b));
    return static_cast<double>(ia > ib ? ia - ib : ib - ia);
}

struct Function {
    const char* formula;
    double lo, hi;
};

}  // namespace

int main() {
    const Function functions[] = {
        {"exp(x)", -700, 700},   {"log(x)", 1e-300, 1e300}, {"log(x)", 0.5, 2},         {"sin(x)", -10, 10},
        {"cos(x)", -10, 10},     {"tan(x)", -1.5, 1.5},     {"pow(x, y)", 0.1, 10},     {"expm1(x)", -1, 1},
        {"log1p(x)", -0.9, 10},  {"tanh(x)", -20, 20},      {"atan(x)", -100, 100},     {"asin(x)", -1, 1},
        {"acos(x)", -1, 1},      {"sinh(x)", -20, 20},      {"cosh(x)", -20, 20},       {"erf(x)", -5, 5},
        {"cbrt(x)", -1e6, 1e6},  {"atan2(x, y)", -10, 10},  {"hypot(x, y)", -1e3, 1e3}, {"log2(x)", 1e-3, 1e3},
        {"log10(x)", 1e-3, 1e3}, {"asinh(x)", -1e3, 1e3},   {"acosh(x)", 1, 1e3},       {"atanh(x)", -0.99, 0.99},
        {"erfc(x)", -5, 26}};
    constexpr std::size_t kRows = 1'000'000;
    gradc::JitOptions with, without;
    without.vector_math = false;
    gradc::Jit vector_jit(with), scalar_jit(without);
    std::printf("libmvec against libm, %zu points each, %u doubles per vector:\n", kRows, vector_jit.lanes());
    std::printf("  %-12s %-22s %10s %12s\n", "function", "range", "max ulp", "mean ulp");
    std::mt19937_64 rng(1);
    for (const Function& f : functions) {
        gradc::ExprContext ctx;
        const gradc::Program p = gradc::parse(ctx, f.formula);
        std::vector<std::vector<double>> columns(p.variables.size(), std::vector<double>(kRows));
        std::uniform_real_distribution<double> uniform(f.lo, f.hi);
        // Log-uniform across wide positive ranges, so every exponent is tried.
        const bool wide = f.lo > 0 && f.hi / f.lo > 1e6;
        std::uniform_real_distribution<double> exponent(std::log(f.lo), std::log(f.hi));
        for (auto& c : columns)
            for (double& v : c) v = wide ? std::exp(exponent(rng)) : uniform(rng);
        std::vector<const double*> in;
        for (auto& c : columns) in.push_back(c.data());
        std::vector<double> a(kRows), b(kRows);
        double* out_a[] = {a.data()};
        double* out_b[] = {b.data()};
        gradc::compile_map(vector_jit, ctx, p.outputs, p.variables)({}, in, kRows, out_a);
        gradc::compile_map(scalar_jit, ctx, p.outputs, p.variables)({}, in, kRows, out_b);
        double worst = 0, total = 0;
        for (std::size_t r = 0; r < kRows; ++r) {
            const double d = ulps(a[r], b[r]);
            worst = std::max(worst, d);
            total += d;
        }
        char range[64];
        std::snprintf(range, sizeof range, "[%g, %g]", f.lo, f.hi);
        std::printf("  %-12s %-22s %10.0f %12.3f\n", f.formula, range, worst, total / kRows);
    }
}
