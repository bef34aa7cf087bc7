// `gradc hessian EXPR`: the second derivatives. The Hessian is symmetric, so the text
// output lists the upper triangle; JSON gives the full matrix for easy indexing.
#include "hessian_command.hpp"

#include <iostream>

#include "gradc/autodiff.hpp"
#include "gradc/passes.hpp"
#include "gradc/tensor_parse.hpp"
#include "tensor_formula.hpp"

namespace gradc::cli {
namespace {

using Matrix = std::vector<std::vector<Expr>>;

// The entries (i, j), i <= j, in row order.
std::vector<Expr> upper_triangle(const Matrix& h) {
    std::vector<Expr> entries;
    for (std::size_t i = 0; i < h.size(); ++i)
        for (std::size_t j = i; j < h.size(); ++j) entries.push_back(h[i][j]);
    return entries;
}

void print_text(ExprContext& ctx, const Formula& formula, const Notation& notation) {
    const Program& program = formula.program;
    const std::vector<Expr>& wrt = formula.wrt;
    const PrintOptions print = binding_names(ctx, program);
    for (std::size_t k = 0; k < program.outputs.size(); ++k) {
        print_result_header(std::cout, ctx, program, k);
        const Matrix h = hessian(ctx, program.outputs[k], wrt);
        std::vector<std::string> texts;
        if (formula.point) {
            // Value and gradient too: at a point they are what a Newton step needs.
            std::vector<Expr> outputs = gradient(ctx, program.outputs[k], wrt);
            outputs.insert(outputs.begin(), program.outputs[k]);
            const std::vector<double> first = evaluate_at(formula, outputs);
            std::cout << "value = " << number_text(first[0]) << '\n';
            for (std::size_t i = 0; i < wrt.size(); ++i)
                std::cout << notation.partial(wrt[i]) << " = " << number_text(first[i + 1]) << '\n';
            for (const double v : evaluate_at(formula, upper_triangle(h))) texts.push_back(number_text(v));
        } else {
            const InfixListing listing = to_infix_listing(simplify(ctx, upper_triangle(h)), print);
            for (const auto& [name, value] : listing.bindings) std::cout << name << " = " << value << '\n';
            texts = listing.outputs;
        }
        std::size_t n = 0;
        for (std::size_t i = 0; i < wrt.size(); ++i)
            for (std::size_t j = i; j < wrt.size(); ++j)
                std::cout << notation.second(wrt[i], wrt[j]) << " = " << texts[n++] << '\n';
    }
}

// {"value": v, "gradient": {"x": ...}, "hessian": {"x": {"x": ..., "y": ...}, ...}}
void print_json_result(ExprContext& ctx, const Formula& formula) {
    const std::vector<Expr>& wrt = formula.wrt;
    JsonArray values, gradients, hessians;
    for (const Expr output : formula.program.outputs) {
        // One list: the value, the gradient, then the Hessian row by row.
        std::vector<Expr> all = gradient(ctx, output, wrt);
        all.insert(all.begin(), output);
        for (const auto& row : hessian(ctx, output, wrt)) all.insert(all.end(), row.begin(), row.end());
        const JsonArray entries = json_entries(ctx, formula, all);
        const std::size_t n = wrt.size();
        values.push_back(entries[0]);
        JsonObject gradient_json, hessian_json;
        for (std::size_t i = 0; i < n; ++i) {
            const std::string name(wrt[i]->name());
            gradient_json.emplace_back(name, entries[1 + i]);
            JsonObject row;
            for (std::size_t j = 0; j < n; ++j)
                row.emplace_back(std::string(wrt[j]->name()), entries[1 + n + i * n + j]);
            hessian_json.emplace_back(name, std::move(row));
        }
        gradients.emplace_back(std::move(gradient_json));
        hessians.emplace_back(std::move(hessian_json));
    }
    print_json(JsonObject{{"value", one_or_array(std::move(values))},
                          {"gradient", one_or_array(std::move(gradients))},
                          {"hessian", one_or_array(std::move(hessians))}});
}

}  // namespace

CLI::App* add_hessian_command(CLI::App& parent, CommandOptions& options) {
    CLI::App* app =
        add_subcommand(parent, "hessian", "the second derivatives, symbolic or at a point (--at)", options, true);
    app->footer(
        "Examples:\n"
        "  gradc hessian \"x^3*y\"                 the upper triangle, as formulas\n"
        "  gradc hessian \"x^3*y\" --at x=2,y=3    value, gradient and Hessian there\n"
        "  gradc hessian \"x^3*y\" --at x=2,y=3 --json\n"
        "  gradc hessian \"X: data[N,3]; y: data[N]; w: param[3]; sum(softplus(X @ w) - y * (X @ w))\" --wrt w\n"
        "                                        a tensor program: X' @ diag(t1 * (1 - t1)) @ X");
    return app;
}

int run_hessian(const CommandOptions& options) {
    const std::string source = read_formula(options.source);
    if (declares_tensors(source)) return run_tensor_hessian(options, source);
    ExprContext ctx;
    const Formula formula = load_formula(ctx, options, source);
    if (options.json)
        print_json_result(ctx, formula);
    else
        print_text(ctx, formula, Notation(options.ascii));
    return kExitOk;
}

}  // namespace gradc::cli
