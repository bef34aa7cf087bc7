// JitOptions::max_kernel_size: a kernel of exactly that many instructions compiles,
// one more is a LimitError before any code is generated, for every kind of kernel.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "gradc/emit.hpp"
#include "gradc/error.hpp"
#include "gradc/jit.hpp"
#include "gradc/parse.hpp"

using namespace gradc;

namespace {

JitOptions limited(std::size_t max_size) {
    JitOptions options;
    options.max_kernel_size = max_size;
    return options;
}

}  // namespace

TEST_CASE("a kernel at the size limit compiles and one past it is refused", "[jit][limits]") {
    ExprContext ctx;
    // x, y, sin(x), cos(y) and their sum: five instructions.
    const Program p = parse(ctx, "sin(x) + cos(y)");
    Jit at_limit(limited(5)), below(limited(4));
    CHECK(at_limit.compile(p.outputs, p.variables)(std::vector<double>{0.0, 0.0}) == std::vector<double>{1.0});
    try {
        below.compile(p.outputs, p.variables);
        FAIL("no error");
    } catch (const LimitError& e) {
        CHECK(std::string(e.what()) ==
              "the kernel has 5 instructions, more than the limit of 4: raise JitOptions::max_kernel_size "
              "(gradc --max-kernel-size), or split the outputs over several kernels");
    }
    CHECK(below.stats().compiled == 0);  // refused before LLVM saw it
    // Sum and map kernels count the same way: parameters and columns are inputs.
    const std::vector<Expr> params = {p.variables[0]}, columns = {p.variables[1]};
    CHECK(at_limit.compile_sum(p.outputs, params, columns).output_count() == 1);
    CHECK(at_limit.compile_map(p.outputs, params, columns).output_count() == 1);
    CHECK_THROWS_AS(below.compile_sum(p.outputs, params, columns), LimitError);
    CHECK_THROWS_AS(below.compile_map(p.outputs, params, columns), LimitError);
}

TEST_CASE("the size that counts is the one compiled, derivatives and stable forms included", "[jit][limits]") {
    ExprContext ctx;
    const Expr x = ctx.variable("x");
    const Expr f = parse_expr(ctx, "log(1 + x)");
    // Compiled as log1p(x) with the derivative 1/(1 + x): x, 1, 1 + x, log1p(x), 1/(1 + x).
    Jit at_limit(limited(5)), below(limited(4));
    CHECK(compile_point(at_limit, ctx, f, std::span<const Expr>(&x, 1))(std::vector<double>{0.0}) ==
          std::vector<double>{0.0, 1.0});
    CHECK_THROWS_AS(compile_point(below, ctx, f, std::span<const Expr>(&x, 1)), LimitError);
}
