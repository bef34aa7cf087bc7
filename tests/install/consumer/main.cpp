#include <gradc/gradc.hpp>

#include <cmath>
#include <iostream>

int main() {
    gradc::ExprContext ctx;
    const gradc::Program p = gradc::parse(ctx, "x^2*sin(y)");
    const auto grad = gradc::gradient(ctx, p.outputs[0], p.variables);
    const double at[] = {2.0, 0.5};
    const auto values = gradc::evaluate(grad, p.variables, at);
    // The same numbers from compiled code: the installed package brings LLVM along.
    gradc::Jit jit;
    const auto compiled = gradc::compile_point(jit, ctx, p.outputs[0], p.variables)(at);
    const bool ok = std::fabs(values[0] - 4.0 * std::sin(0.5)) < 1e-12 &&
                    std::fabs(values[1] - 4.0 * std::cos(0.5)) < 1e-12 && compiled[1] == values[0] &&
                    compiled[2] == values[1];
    std::cout << gradc::to_infix(gradc::simplify(ctx, grad[0])) << (ok ? " ok" : " WRONG") << '\n';
    return ok ? 0 : 1;
}
