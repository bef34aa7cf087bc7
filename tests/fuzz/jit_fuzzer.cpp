// Any text that parses is compiled into a point kernel with its gradient, a map kernel,
// a point kernel with Hessians, and a batch kernel summing the first value and its
// partial by the first variable over rows of the others. Each must give the reference
// interpreter's bits (or NaN where it gives NaN) for what jit.hpp says it computes: the
// stable forms, differentiated, with integer powers written out as the multiplications
// the kernel does; a batch kernel's sums are the interpreter's rows added in the order
// jit.hpp documents (8 partial sums and a fixed tree per chunk of rows, the chunks in
// order; support/sum_order.hpp). A mismatch aborts with the formula, the output and the
// point.
//
// The input's length picks one of two settings, so both pipelines and both ways of
// computing powers are tried: O2 with powers by multiplication, O0 with pow().
// Map kernels call scalar libm here (vector_math off), which the interpreter matches
// exactly. Tensor programs (text that declares a tensor) are compiled to loop nests
// and held to the tensor interpreter (tensor_kernel_oracle.hpp), fused or not by the
// input's length too.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/jit.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"
#include "gradc/tensor_parse.hpp"
#include "parsed_input.hpp"
#include "point_oracle.hpp"
#include "support/sum_order.hpp"
#include "tensor_kernel_oracle.hpp"

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

// compile_point()'s outputs with Derivatives::Hessian, built independently of it: the
// values, their gradients, then the upper triangle of each value's Hessian.
std::vector<gradc::Expr> with_hessians(gradc::ExprContext& ctx, std::span<const gradc::Expr> values,
                                       std::span<const gradc::Expr> inputs) {
    std::vector<gradc::Expr> outputs = gradc::testing::with_gradients(ctx, values, inputs);
    for (gradc::Expr f : values) {
        const std::vector<std::vector<gradc::Expr>> h = gradc::hessian(ctx, f, inputs);
        for (std::size_t i = 0; i < inputs.size(); ++i)
            for (std::size_t j = i; j < inputs.size(); ++j) outputs.push_back(h[i][j]);
    }
    return outputs;
}

// What a kernel computes under `options` (as compiled_outputs(), for any layout):
// `layout` applied to the stable forms, rewritten once more; integer powers as products.
template <class Layout>
std::vector<gradc::Expr> kernel_model(gradc::ExprContext& ctx, std::span<const gradc::Expr> values,
                                      const gradc::JitOptions& options, Layout layout) {
    std::vector<gradc::Expr> model =
        options.stable_forms ? gradc::stable_forms(ctx, layout(gradc::stable_forms(ctx, values))) : layout(values);
    if (options.integer_powers_by_multiplication) model = gradc::testing::powers_as_products(ctx, model);
    return model;
}

[[noreturn]] void report(std::string_view kind, std::string_view text, const std::string& where,
                         std::span<const double> point, double want, double got) {
    std::fprintf(stderr, "%.*s kernel disagrees with the interpreter for \"%.*s\"\n  %s\n",
                 static_cast<int>(kind.size()), kind.data(), static_cast<int>(text.size()), text.data(),
                 gradc::testing::mismatch(where, point, want, got).c_str());
    std::abort();
}

// A point kernel against the interpreter at every point.
void check_point(std::string_view kind, std::string_view text, const gradc::Kernel& kernel,
                 const gradc::Interpreter& oracle, const gradc::Program& program,
                 const std::vector<std::vector<double>>& points) {
    std::vector<double> got(kernel.output_count());
    for (const std::vector<double>& p : points) {
        kernel(p, got);
        const std::vector<double> want = oracle.run(p);
        for (std::size_t k = 0; k < got.size(); ++k)
            if (!gradc::testing::same_or_both_nan(got[k], want[k]))
                report(kind, text, gradc::testing::describe_output(k, program.outputs, program.variables), p, want[k],
                       got[k]);
    }
}

// Column j holds coordinate `first + j` of every point.
std::vector<std::vector<double>> as_columns(const std::vector<std::vector<double>>& points, std::size_t first,
                                            std::size_t count) {
    std::vector<std::vector<double>> columns(count, std::vector<double>(points.size()));
    for (std::size_t r = 0; r < points.size(); ++r)
        for (std::size_t j = 0; j < count; ++j) columns[j][r] = points[r][first + j];
    return columns;
}

std::vector<const double*> pointers(const std::vector<std::vector<double>>& columns) {
    std::vector<const double*> p;
    for (const auto& c : columns) p.push_back(c.data());
    return p;
}

// A map kernel over all points as rows: out[k][r] is output k at point r.
void check_map(std::string_view text, const gradc::MapKernel& map, const gradc::Interpreter& oracle,
               const gradc::Program& program, const std::vector<std::vector<double>>& points) {
    const std::size_t rows = points.size();
    const std::vector<std::vector<double>> columns = as_columns(points, 0, program.variables.size());
    std::vector<std::vector<double>> out(map.output_count(), std::vector<double>(rows));
    std::vector<double*> out_ptrs;
    for (auto& o : out) out_ptrs.push_back(o.data());
    map({}, pointers(columns), rows, out_ptrs);
    for (std::size_t r = 0; r < rows; ++r) {
        const std::vector<double> want = oracle.run(points[r]);
        for (std::size_t k = 0; k < out.size(); ++k)
            if (!gradc::testing::same_or_both_nan(out[k][r], want[k]))
                report("map", text, gradc::testing::describe_output(k, program.outputs, program.variables), points[r],
                       want[k], out[k][r]);
    }
}

// A batch kernel whose parameter is the first variable, fixed at the first point's
// value, and whose columns are the others, over every point as a row.
void check_batch(std::string_view text, const gradc::BatchKernel& batch, const gradc::Interpreter& oracle,
                 const std::vector<std::vector<double>>& points) {
    const double param = points.front().front();
    const std::size_t column_count = points.front().size() - 1;
    const std::vector<std::vector<double>> columns = as_columns(points, 1, column_count);
    const std::vector<double> got = batch(std::span<const double>(&param, 1), pointers(columns), points.size());
    std::vector<std::vector<double>> terms(got.size());  // [output][row]
    for (std::size_t r = 0; r < points.size(); ++r) {
        std::vector<double> row = points[r];
        row.front() = param;
        const std::vector<double> values = oracle.run(row);
        for (std::size_t k = 0; k < got.size(); ++k) terms[k].push_back(values[k]);
    }
    for (std::size_t k = 0; k < got.size(); ++k) {
        const double want = gradc::testing::batch_sum(terms[k], gradc::BatchKernel::kChunkRows);
        if (!(got[k] == want || (std::isnan(got[k]) && std::isnan(want))))
            report("batch", text, k == 0 ? "the summed value" : "the summed partial", points.front(), want, got[k]);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > kMaxInput) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const bool optimized = size % 2 == 0;
    if (gradc::declares_tensors(text)) {
        gradc::fuzz::check_tensor_kernel(text, optimized, size % 4 < 2);
        return 0;
    }
    gradc::Jit& jit = jit_for(optimized);
    gradc::ExprContext ctx;
    const std::optional<gradc::Program> program = gradc::fuzz::parsed_input(ctx, text);
    if (!program || program->outputs.empty()) return 0;
    const std::vector<gradc::Expr>& values = program->outputs;
    const std::vector<gradc::Expr>& vars = program->variables;
    const std::vector<std::vector<double>> points = test_points(vars.size());
    const auto gradients = [&](std::span<const gradc::Expr> v) { return gradc::testing::with_gradients(ctx, v, vars); };
    const auto hessians = [&](std::span<const gradc::Expr> v) { return with_hessians(ctx, v, vars); };
    const std::span<const gradc::Expr> first_value(values.data(), 1);
    const std::span<const gradc::Expr> first_var(vars.data(), vars.empty() ? 0 : 1);
    const auto first_gradient = [&](std::span<const gradc::Expr> v) {
        return gradc::testing::with_gradients(ctx, v, first_var);
    };
    // Each kernel is compiled and checked in turn; one larger than kMaxKernelSize is
    // refused (LimitError) before any code is generated, and the rest still run.
    try {
        const gradc::Kernel point = gradc::compile_point(jit, ctx, values, vars, gradc::Derivatives::Gradient);
        const gradc::Interpreter oracle(kernel_model(ctx, values, jit.options(), gradients), vars);
        check_point("point", text, point, oracle, *program, points);
        if (!vars.empty())
            check_map(text, gradc::compile_map(jit, ctx, values, vars, gradc::Derivatives::Gradient), oracle, *program,
                      points);
    } catch (const gradc::LimitError&) {}
    try {
        const gradc::Kernel point = gradc::compile_point(jit, ctx, values, vars, gradc::Derivatives::Hessian);
        const gradc::Interpreter oracle(kernel_model(ctx, values, jit.options(), hessians), vars);
        check_point("Hessian", text, point, oracle, *program, points);
    } catch (const gradc::LimitError&) {}
    if (vars.empty()) return 0;
    try {
        const std::span<const gradc::Expr> columns(vars.data() + 1, vars.size() - 1);
        const gradc::BatchKernel batch = gradc::compile_batch(jit, ctx, values.front(), first_var, columns);
        const gradc::Interpreter oracle(kernel_model(ctx, first_value, jit.options(), first_gradient), vars);
        check_batch(text, batch, oracle, points);
    } catch (const gradc::LimitError&) {}
    return 0;
}
