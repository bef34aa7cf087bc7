// Parse a formula, differentiate it, print and evaluate the partial derivatives.
#include <gradc/gradc.hpp>

#include <iostream>

int main() {
    gradc::ExprContext ctx;
    gradc::Program p = gradc::parse(ctx, "r = sqrt(x^2 + y^2); sin(r)/r");

    // One reverse sweep gives every partial; they share the formula's nodes.
    std::vector<gradc::Expr> grad = gradc::gradient(ctx, p.outputs[0], p.variables);

    // Print them simplified, naming r as the formula does.
    gradc::PrintOptions print;
    for (const auto& [name, value] : p.bindings) print.names.emplace_back(gradc::simplify(ctx, value), name);
    gradc::InfixListing text = gradc::to_infix_listing(gradc::simplify(ctx, grad), print);
    for (const auto& [name, value] : text.bindings) std::cout << name << " = " << value << '\n';

    const double at[] = {1.0, 2.0};  // x, y: variables in order of first appearance
    std::vector<double> values = gradc::evaluate(grad, p.variables, at);
    for (std::size_t i = 0; i < grad.size(); ++i)
        std::cout << "d/d" << p.variables[i]->name() << " = " << text.outputs[i] << "  (" << values[i]
                  << " at x=1, y=2)\n";
}
