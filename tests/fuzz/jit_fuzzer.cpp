// Any text that parses is compiled, with its gradient, into a point kernel and a map
// kernel, and both must give the reference interpreter's bits (or NaN where it gives
// NaN) for what jit.hpp says they compute: the stable forms, differentiated, with
// integer powers written out as the multiplications the kernel does. A mismatch aborts
// with the formula, the output and the point.
//
// The input's length picks one of two settings, so both pipelines and both ways of
// computing powers are tried: O2 with powers by multiplication, O0 with pow().
// Map kernels call scalar libm here (vector_math off), which the interpreter matches
// exactly.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/jit.hpp"
#include "gradc/print.hpp"
#include "parsed_input.hpp"
#include "point_oracle.hpp"

namespace {

// Inputs and kernels small enough that an input compiles in well under a second under
// the sanitizers (LLVM allocates much, and every allocation goes through ASan's);
// derivatives of 256 bytes of formula still reach both code generation pipelines.
constexpr std::size_t kMaxInput = 256;
constexpr std::size_t kMaxKernelSize = 8'000;

gradc::JitOptions options_for(bool optimized) {
    gradc::JitOptions o;
    o.opt_level = optimized ? gradc::OptLevel::O2 : gradc::OptLevel::O0;
    o.integer_powers_by_multiplication = optimized;
    o.vector_math = false;
    o.max_kernel_size = kMaxKernelSize;
    return o;
}

// One Jit per setting for the whole run, as a program embedding gradc would keep it.
gradc::Jit& jit_for(bool optimized) {
    static gradc::Jit fast(options_for(true));
    static gradc::Jit plain(options_for(false));
    return optimized ? fast : plain;
}

// The rows: seeded random points (mostly numbers whose products and sums round, so a
// fused or reordered operation shows), and each special value in every coordinate in turn.
std::vector<std::vector<double>> test_points(std::size_t n) {
    std::vector<std::vector<double>> points = gradc::testing::random_points(20261205, 8, n);
    if (n == 0) return points;
    const std::vector<double> specials = gradc::testing::special_values();
    for (std::size_t i = 0; i < specials.size(); ++i) {
        std::vector<double> p(n);
        for (std::size_t j = 0; j < n; ++j) p[j] = specials[(i + j) % specials.size()];
        points.push_back(std::move(p));
    }
    return points;
}

[[noreturn]] void report(std::string_view kind, std::string_view text, const std::string& where,
                         std::span<const double> point, double want, double got) {
    std::fprintf(stderr, "%.*s kernel disagrees with the interpreter for \"%.*s\"\n  %s\n",
                 static_cast<int>(kind.size()), kind.data(), static_cast<int>(text.size()), text.data(),
                 gradc::testing::mismatch(where, point, want, got).c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > kMaxInput) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const bool optimized = size % 2 == 0;
    gradc::Jit& jit = jit_for(optimized);
    gradc::ExprContext ctx;
    const std::optional<gradc::Program> program = gradc::fuzz::parsed_input(ctx, text);
    if (!program) return 0;
    const std::vector<gradc::Expr>& values = program->outputs;
    const std::vector<gradc::Expr>& vars = program->variables;

    gradc::Kernel point;
    gradc::MapKernel map;
    try {
        point = gradc::compile_point(jit, ctx, values, vars, gradc::Derivatives::Gradient);
        if (!vars.empty()) map = gradc::compile_map(jit, ctx, values, vars, gradc::Derivatives::Gradient);
    } catch (const gradc::LimitError&) {
        return 0;  // larger than kMaxKernelSize: refused before any code is generated
    }

    std::vector<gradc::Expr> model = gradc::testing::compiled_outputs(ctx, values, vars, jit.options());
    if (optimized) model = gradc::testing::powers_as_products(ctx, model);
    const gradc::Interpreter oracle(model, vars);
    const std::vector<std::vector<double>> points = test_points(vars.size());
    std::vector<std::vector<double>> wants;  // wants[r]: the interpreter at points[r]
    for (const std::vector<double>& p : points) wants.push_back(oracle.run(p));

    std::vector<double> got(point.output_count());
    for (std::size_t r = 0; r < points.size(); ++r) {
        point(points[r], got);
        for (std::size_t k = 0; k < got.size(); ++k)
            if (!gradc::testing::same_or_both_nan(got[k], wants[r][k]))
                report("point", text, gradc::testing::describe_output(k, values, vars), points[r], wants[r][k], got[k]);
    }
    if (!map) return 0;

    // Column j holds coordinate j of every point; out[k][r] is output k at point r.
    const std::size_t rows = points.size();
    std::vector<std::vector<double>> columns(vars.size(), std::vector<double>(rows));
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < vars.size(); ++j) columns[j][r] = points[r][j];
    std::vector<const double*> column_ptrs;
    for (const auto& c : columns) column_ptrs.push_back(c.data());
    std::vector<std::vector<double>> out(map.output_count(), std::vector<double>(rows));
    std::vector<double*> out_ptrs;
    for (auto& o : out) out_ptrs.push_back(o.data());
    map({}, column_ptrs, rows, out_ptrs);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t k = 0; k < out.size(); ++k)
            if (!gradc::testing::same_or_both_nan(out[k][r], wants[r][k]))
                report("map", text, gradc::testing::describe_output(k, values, vars), points[r], wants[r][k],
                       out[k][r]);
    return 0;
}
