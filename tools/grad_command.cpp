// `gradc EXPR`: the gradient, one line per variable in order of first appearance.
#include "grad_command.hpp"

#include <iostream>

#include "gradc/autodiff.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"

namespace gradc::cli {

void add_grad_options(CLI::App& app, GradOptions& options) {
    app.add_option("EXPR", options.source.expr, "the formula, e.g. \"x^2*sin(y)\"");
    app.add_option("-f,--file", options.source.file, "read the formula from FILE ('-' for standard input)");
    app.add_flag("--ascii", options.ascii, "write d/dx instead of ∂/∂x");
}

int run_grad(const GradOptions& options) {
    const std::string text = read_formula(options.source);
    ExprContext ctx;
    const Program program = parse(ctx, text);
    const std::string d = use_unicode(options.ascii) ? "∂" : "d";
    // The formula's own binding names (r = sqrt(x^2 + y^2)) name the same
    // subexpressions in the derivatives.
    PrintOptions print;
    for (const auto& [name, value] : program.bindings) print.names.emplace_back(simplify(ctx, value), name);
    for (std::size_t k = 0; k < program.outputs.size(); ++k) {
        if (program.outputs.size() > 1)
            std::cout << (k ? "\n" : "") << "# result " << k + 1 << ": "
                      << to_infix(simplify(ctx, program.outputs[k])) << '\n';
        const std::vector<Expr> partials = simplify(ctx, gradient(ctx, program.outputs[k], program.variables));
        const InfixListing listing = to_infix_listing(partials, print);
        for (const auto& [name, value] : listing.bindings) std::cout << name << " = " << value << '\n';
        for (std::size_t i = 0; i < partials.size(); ++i)
            std::cout << d << '/' << d << program.variables[i]->name() << " = " << listing.outputs[i] << '\n';
    }
    return kExitOk;
}

}  // namespace gradc::cli
