// `gradc EXPR` and `gradc grad`: the gradient, one line per variable in order of first
// appearance (or of --wrt), symbolic or at a point.
#include "grad_command.hpp"

#include <iostream>

#include "gradc/autodiff.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"
#include "gradc/tensor_parse.hpp"
#include "tensor_formula.hpp"

namespace gradc::cli {
namespace {

void print_symbolic(ExprContext& ctx, const Formula& formula, const Notation& notation) {
    const Program& program = formula.program;
    const PrintOptions print = binding_names(ctx, program);
    for (std::size_t k = 0; k < program.outputs.size(); ++k) {
        print_result_header(std::cout, ctx, program, k);
        const std::vector<Expr> partials = simplify(ctx, gradient(ctx, program.outputs[k], formula.wrt));
        const InfixListing listing = to_infix_listing(partials, print);
        for (const auto& [name, value] : listing.bindings) std::cout << name << " = " << value << '\n';
        for (std::size_t i = 0; i < partials.size(); ++i)
            std::cout << notation.partial(formula.wrt[i]) << " = " << listing.outputs[i] << '\n';
    }
}

void print_numeric(ExprContext& ctx, const Formula& formula, const Notation& notation) {
    const Program& program = formula.program;
    for (std::size_t k = 0; k < program.outputs.size(); ++k) {
        print_result_header(std::cout, ctx, program, k);
        // The unsimplified derivatives: simplify may turn NaN into a number.
        std::vector<Expr> outputs = gradient(ctx, program.outputs[k], formula.wrt);
        outputs.insert(outputs.begin(), program.outputs[k]);
        const std::vector<double> values = evaluate_at(formula, outputs);
        std::cout << "value = " << number_text(values[0]) << '\n';
        for (std::size_t i = 0; i < formula.wrt.size(); ++i)
            std::cout << notation.partial(formula.wrt[i]) << " = " << number_text(values[i + 1]) << '\n';
    }
}

// {"value": v, "gradient": {"x": gx, ...}}; numbers at a point, strings otherwise.
void print_json_result(ExprContext& ctx, const Formula& formula) {
    const Program& program = formula.program;
    JsonArray values, gradients;
    for (const Expr output : program.outputs) {
        const std::vector<Expr> partials = gradient(ctx, output, formula.wrt);
        JsonObject gradient_json;
        if (formula.point) {
            std::vector<Expr> outputs = partials;
            outputs.insert(outputs.begin(), output);
            const std::vector<double> numbers = evaluate_at(formula, outputs);
            values.emplace_back(numbers[0]);
            for (std::size_t i = 0; i < partials.size(); ++i)
                gradient_json.emplace_back(std::string(formula.wrt[i]->name()), numbers[i + 1]);
        } else {
            values.emplace_back(plain_text(ctx, output));
            for (std::size_t i = 0; i < partials.size(); ++i)
                gradient_json.emplace_back(std::string(formula.wrt[i]->name()), plain_text(ctx, partials[i]));
        }
        gradients.emplace_back(std::move(gradient_json));
    }
    print_json(
        JsonObject{{"value", one_or_array(std::move(values))}, {"gradient", one_or_array(std::move(gradients))}});
}

}  // namespace

void add_grad_options(CLI::App& app, CommandOptions& options) { add_formula_options(app, options); }

CLI::App* add_grad_command(CLI::App& parent, CommandOptions& options) {
    CLI::App* app = add_subcommand(parent, "grad", "the gradient, symbolic or at a point (--at)", options, true);
    app->footer(
        "Examples:\n"
        "  gradc grad \"x^2*sin(y)\"                   ∂/∂x = 2*x*sin(y), ∂/∂y = x^2*cos(y)\n"
        "  gradc grad \"x^2*sin(y)\" --wrt y           only ∂/∂y\n"
        "  gradc grad \"x^2*sin(y)\" --at x=2,y=0.5    the value and gradient there\n"
        "  gradc grad \"x^2*sin(y)\" --at x=2,y=0.5 --json --jit\n"
        "  gradc grad \"X: data[N,3]; w: param[3]; sum((X @ w)^2)\"   a tensor program: ∂/∂w = X' @ (2 * (X @ w))\n"
        "  gradc grad \"X: data[N,3]; w: param[3]; sum((X @ w)^2)\" --at X=@x.npy --at 'w=[1,0,2]'");
    return app;
}

int run_grad(const CommandOptions& options) {
    const std::string source = read_formula(options.source);
    if (declares_tensors(source)) return run_tensor_grad(options, source);
    ExprContext ctx;
    const Formula formula = load_formula(ctx, options, source);
    if (options.json)
        print_json_result(ctx, formula);
    else if (formula.point)
        print_numeric(ctx, formula, Notation(options.ascii));
    else
        print_symbolic(ctx, formula, Notation(options.ascii));
    return kExitOk;
}

}  // namespace gradc::cli
