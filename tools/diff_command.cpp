// `gradc diff EXPR --wrt x --order k`: the k-th derivative by one variable.
#include "diff_command.hpp"

#include <iostream>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/passes.hpp"
#include "gradc/tensor_parse.hpp"
#include "point.hpp"

namespace gradc::cli {
namespace {

// The one variable to differentiate by: --wrt's, or the formula's only one.
Expr the_variable(const Formula& formula, bool wrt_given) {
    if (wrt_given && formula.wrt.size() == 1) return formula.wrt.front();
    if (wrt_given) throw Error("diff differentiates by one variable: give one name, as in --wrt x");
    if (formula.program.variables.size() == 1) return formula.program.variables.front();
    if (formula.program.variables.empty())
        throw Error("diff needs a variable to differentiate by; the formula has none");
    std::string message = "diff needs --wrt, as in --wrt x; the formula's variables are ";
    throw Error(message.append(variable_names(formula.program.variables)));
}

}  // namespace

CLI::App* add_diff_command(CLI::App& parent, DiffOptions& options) {
    CLI::App* app =
        add_subcommand(parent, "diff", "the k-th derivative by one variable (--wrt x --order k)", options.common, true);
    app->add_option("--order", options.order, "how many times to differentiate (default 1)");
    app->footer(
        "Examples:\n"
        "  gradc diff \"x^4*y\" --wrt x --order 3         ∂³/∂x³ = 24*x*y\n"
        "  gradc diff \"sin(x)\" --order 2 --at x=1       the value and d²/dx² at x = 1");
    return app;
}

int run_diff(const DiffOptions& options) {
    if (options.order < 0) throw Error("--order must be 0 or more (0 is the formula itself), as in --order 2");
    const std::string source = read_formula(options.common.source);
    if (declares_tensors(source))
        throw Error("diff takes scalar formulas; of a tensor program take grad, or hessian for the second derivatives");
    ExprContext ctx;
    const Formula formula = load_formula(ctx, options.common, source);
    const Expr x = the_variable(formula, options.common.wrt_option->count() > 0);
    const Program& program = formula.program;
    std::vector<Expr> derivatives;
    for (const Expr output : program.outputs) derivatives.push_back(diff(ctx, output, x, options.order));

    if (options.common.json) {
        JsonArray values, results;
        if (formula.point) {
            const std::vector<double> v = evaluate_at(formula, program.outputs);
            const std::vector<double> d = evaluate_at(formula, derivatives);
            values.assign(v.begin(), v.end());
            results.assign(d.begin(), d.end());
        } else {
            for (const Expr output : program.outputs) values.emplace_back(plain_text(ctx, output));
            for (const Expr derivative : derivatives) results.emplace_back(plain_text(ctx, derivative));
        }
        print_json(JsonObject{{"value", one_or_array(std::move(values))},
                              {"derivative", one_or_array(std::move(results))},
                              {"wrt", std::string(x->name())},
                              {"order", static_cast<double>(options.order)}});
        return kExitOk;
    }

    const Notation notation(options.common.ascii);
    const std::string label = notation.partial(x, options.order);
    if (formula.point) {
        const std::vector<double> v = evaluate_at(formula, program.outputs);
        const std::vector<double> d = evaluate_at(formula, derivatives);
        for (std::size_t k = 0; k < program.outputs.size(); ++k) {
            print_result_header(std::cout, ctx, program, k);
            std::cout << "value = " << number_text(v[k]) << '\n' << label << " = " << number_text(d[k]) << '\n';
        }
        return kExitOk;
    }
    const PrintOptions print = binding_names(ctx, program);
    for (std::size_t k = 0; k < program.outputs.size(); ++k) {
        print_result_header(std::cout, ctx, program, k);
        const InfixListing listing = to_infix_listing(std::vector<Expr>{simplify(ctx, derivatives[k])}, print);
        for (const auto& [name, value] : listing.bindings) std::cout << name << " = " << value << '\n';
        std::cout << label << " = " << listing.outputs[0] << '\n';
    }
    return kExitOk;
}

}  // namespace gradc::cli
