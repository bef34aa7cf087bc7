#include "subcommand.hpp"

#include <cmath>
#include <iostream>
#include <sstream>

#include "codegen.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/passes.hpp"
#include "point.hpp"

namespace gradc::cli {

void add_formula_options(CLI::App& app, CommandOptions& options) {
    app.add_option("EXPR", options.source.expr, "the formula, e.g. \"x^2*sin(y)\"");
    app.add_option("-f,--file", options.source.file, "read the formula from FILE ('-' for standard input)");
    app.add_flag("--ascii", options.ascii, "write d/dx instead of ∂/∂x");
    // `gradc EXPR` sets up the top level first; the limits go there, for every subcommand.
    if (app.get_parent() == nullptr) add_limit_options(app);
}

CLI::App* add_subcommand(CLI::App& parent, const std::string& name, const std::string& description,
                         CommandOptions& options, bool with_wrt) {
    CLI::App* app = parent.add_subcommand(name, description);
    add_formula_options(*app, options);
    if (with_wrt)
        options.wrt_option =
            app->add_option("--wrt", options.wrt, "the variables to differentiate by, in order: --wrt x,y");
    // One value per --at, which may be repeated: a value in brackets holds commas.
    options.at_option = app->add_option("--at", options.at,
                                        "evaluate at a point: --at x=1,y=2; for tensors --at 'w=[0.5,-1]' or "
                                        "--at X=@file.npy (repeated as needed)")
                            ->allow_extra_args(false);
    app->add_flag("--json", options.json, "write JSON for scripts");
    app->add_flag("--jit", options.jit, "compute numbers with compiled code (LLVM) instead of the interpreter");
    return app;
}

Formula load_formula(ExprContext& ctx, const CommandOptions& options) {
    return load_formula(ctx, options, read_formula(options.source));
}

Formula load_formula(ExprContext& ctx, const CommandOptions& options, const std::string& source) {
    Formula formula;
    ctx.set_max_nodes(limits().max_nodes);
    formula.program = parse(ctx, source, limits().parse);
    const std::vector<Expr>& variables = formula.program.variables;
    const bool has_wrt = options.wrt_option != nullptr && options.wrt_option->count() > 0;
    formula.wrt = has_wrt ? select_variables(options.wrt, variables) : variables;
    if (options.at_option != nullptr && options.at_option->count() > 0) {
        // Repeated --at items are one list: --at x=1 --at y=2 is --at x=1,y=2.
        std::string at;
        for (const std::string& item : options.at) at.append(at.empty() ? "" : ",").append(item);
        formula.point = values_at(at, variables);
        use_stable_forms(ctx, formula);
    }
    formula.jit = options.jit;
    return formula;
}

void use_stable_forms(ExprContext& ctx, Formula& formula) {
    formula.program.outputs = stable_forms(ctx, formula.program.outputs);
}

std::vector<double> evaluate_at(const Formula& formula, const std::vector<Expr>& outputs) {
    const std::vector<Expr>& variables = formula.program.variables;
    if (formula.jit) return compiled_values(formula, outputs);
    // The stable forms that kernels compute, so that --jit changes nothing but the last
    // bits: log(1 + x) at x = 1e-17 is 1e-17 either way. Rewritten into a context of
    // their own, as compiled kernels are, when there is something to rewrite.
    if (!has_unstable_forms(outputs)) return evaluate(outputs, variables, *formula.point);
    ExprContext stable;
    stable.set_max_nodes(limits().max_nodes);
    std::vector<Expr> inputs;
    for (Expr v : variables) inputs.push_back(stable.variable(v->name()));
    return evaluate(stable_forms(stable, outputs), inputs, *formula.point);
}

PrintOptions binding_names(ExprContext& ctx, const Program& program) {
    // One simplify over all bindings: they share their subexpressions, and simplifying
    // each alone would walk the shared part again for every binding.
    std::vector<Expr> values;
    values.reserve(program.bindings.size());
    for (const auto& binding : program.bindings) values.push_back(binding.second);
    const std::vector<Expr> simplified = simplify(ctx, values);
    PrintOptions print;
    for (std::size_t i = 0; i < simplified.size(); ++i)
        print.names.emplace_back(simplified[i], program.bindings[i].first);
    return print;
}

std::string plain_text(ExprContext& ctx, Expr e) { return to_infix(simplify(ctx, e)); }

JsonArray json_entries(ExprContext& ctx, const Formula& formula, const std::vector<Expr>& outputs) {
    JsonArray entries;
    if (formula.point) {
        const std::vector<double> numbers = evaluate_at(formula, outputs);
        entries.assign(numbers.begin(), numbers.end());
    } else {
        for (const Expr e : outputs) entries.emplace_back(plain_text(ctx, e));
    }
    return entries;
}

Notation::Notation(bool ascii_flag) : unicode(use_unicode(ascii_flag)) { d = unicode ? "∂" : "d"; }

std::string Notation::exponent(int k) const {
    const std::string digits = std::to_string(k);
    if (!unicode) return digits;
    static const char* const superscripts[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    std::string out;
    for (const char c : digits) out.append(superscripts[c - '0']);
    return out;
}

std::string Notation::partial(Expr x) const { return partial(x, 1); }

std::string Notation::partial(Expr x, int order) const {
    const std::string k = order == 1 ? "" : exponent(order);
    std::string out = d;
    out.append(k).append("/").append(d).append(x->name()).append(k);
    return out;
}

std::string Notation::second(Expr x, Expr y) const {
    if (x == y) return partial(x, 2);
    std::string out = d;
    out.append(exponent(2)).append("/").append(d).append(x->name()).append(d).append(y->name());
    return out;
}

std::string number_text(double v) {
    // Not format_number: it writes e and pi by name, which reads as a formula.
    return shortest_number(v);
}

void print_result_header(std::ostream& out, ExprContext& ctx, const Program& program, std::size_t k) {
    if (program.outputs.size() < 2) return;
    out << (k ? "\n" : "") << "# result " << k + 1 << ": " << to_infix(simplify(ctx, program.outputs[k])) << '\n';
}

void print_json(const Json& json) {
    // Warnings first and whole, so they never land inside the JSON when both streams
    // go to one terminal or file.
    std::ostringstream text, warnings;
    write_json(text, json, warnings);
    std::cerr << warnings.str() << std::flush;
    std::cout << text.str();
}

}  // namespace gradc::cli
