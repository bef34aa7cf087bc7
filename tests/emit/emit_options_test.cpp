// Emitted kernels honour the JitOptions they are given, as the JIT's do: the kernel
// size limit, and stable forms before and after differentiation (or neither).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "gradc/emit.hpp"
#include "gradc/error.hpp"
#include "gradc/expr.hpp"

using namespace gradc;

TEST_CASE("every emitter refuses a kernel past max_kernel_size", "[emit][limits]") {
    ExprContext ctx;
    const Expr x = ctx.variable("x"), y = ctx.variable("y");
    const Expr f = ctx.mul(ctx.make(Op::Sin, x), y);  // x, y, sin(x), the product: 4 instructions
    const AotKernel kernel =
        aot_point_kernel(ctx, "k", std::span<const Expr>(&f, 1), std::vector<Expr>{x, y}, Derivatives::None);
    JitOptions at_limit, below;
    at_limit.max_kernel_size = 4;
    below.max_kernel_size = 3;
    CHECK_NOTHROW(emit_c_source(std::span(&kernel, 1), at_limit));
    CHECK_THROWS_AS(emit_c_source(std::span(&kernel, 1), below), LimitError);
    CHECK_THROWS_AS(emit_c_header(std::span(&kernel, 1), below), LimitError);
    CHECK_THROWS_AS(emit_llvm_ir(kernel, below), LimitError);
    CHECK_THROWS_AS(emit_assembly(kernel, below), LimitError);
    CHECK_THROWS_AS(emit_object(kernel, below), LimitError);
    CHECK_THROWS_AS(emit_shared_library(std::span(&kernel, 1), "/tmp/gradc_emit_options_test.so", below), LimitError);
}

TEST_CASE("emitted kernels compile stable forms unless told not to", "[emit][stable]") {
    ExprContext ctx;
    const Expr x = ctx.variable("x");
    const Expr f = ctx.make(Op::Log, ctx.add(ctx.constant(1.0), x));
    const AotKernel stable = aot_point_kernel(ctx, "k", std::span<const Expr>(&f, 1), std::vector<Expr>{x});
    const AotKernel as_written =
        aot_point_kernel(ctx, "k", std::span<const Expr>(&f, 1), std::vector<Expr>{x}, Derivatives::Gradient, false);
    JitOptions plain;
    plain.stable_forms = false;
    CHECK(emit_c_source(std::span(&stable, 1)).find("log1p(x)") != std::string::npos);
    const std::string written = emit_c_source(std::span(&as_written, 1), plain);
    CHECK(written.find("log1p(") == std::string::npos);
    CHECK(written.find("log(") != std::string::npos);
    // As written but compiled with stable forms: the value is rewritten after differentiation.
    CHECK(emit_c_source(std::span(&as_written, 1)).find("log1p(") != std::string::npos);
}
