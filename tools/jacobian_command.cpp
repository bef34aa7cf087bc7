// `gradc jacobian "f1, f2"`: the derivative of every result by every variable. Results
// have no names, so the text output calls them f1, f2, ... in order.
#include "jacobian_command.hpp"

#include <iostream>

#include "gradc/autodiff.hpp"
#include "gradc/passes.hpp"
#include "gradc/tensor_parse.hpp"
#include "tensor_formula.hpp"

namespace gradc::cli {

CLI::App* add_jacobian_command(CLI::App& parent, CommandOptions& options) {
    CLI::App* app = add_subcommand(parent, "jacobian",
                                   "the derivatives of several results, symbolic or at a point (--at)", options, true);
    app->footer(
        "Examples:\n"
        "  gradc jacobian \"x*y, x + y\"                every result by every variable\n"
        "  gradc jacobian \"x*y, x/y\" --at x=3,y=2 --json");
    return app;
}

int run_jacobian(const CommandOptions& options) {
    const std::string source = read_formula(options.source);
    if (declares_tensors(source)) return run_tensor_jacobian(options, source);
    ExprContext ctx;
    const Formula formula = load_formula(ctx, options, source);
    const std::vector<Expr>& outputs = formula.program.outputs;
    const std::vector<Expr>& wrt = formula.wrt;
    // The values, then the Jacobian row by row, as one list.
    std::vector<Expr> all = outputs;
    for (const auto& row : jacobian(ctx, outputs, wrt)) all.insert(all.end(), row.begin(), row.end());
    const std::size_t m = outputs.size();
    const std::size_t n = wrt.size();

    if (options.json) {
        const JsonArray entries = json_entries(ctx, formula, all);
        JsonArray values(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(m));
        JsonArray rows;
        for (std::size_t r = 0; r < m; ++r) {
            JsonObject row;
            for (std::size_t i = 0; i < n; ++i) row.emplace_back(std::string(wrt[i]->name()), entries[m + r * n + i]);
            rows.emplace_back(std::move(row));
        }
        print_json(JsonObject{{"values", std::move(values)}, {"jacobian", std::move(rows)}});
        return kExitOk;
    }

    const Notation notation(options.ascii);
    std::vector<std::string> texts;
    if (formula.point) {
        for (const double v : evaluate_at(formula, all)) texts.push_back(number_text(v));
    } else {
        const InfixListing listing = to_infix_listing(simplify(ctx, all), binding_names(ctx, formula.program));
        for (const auto& [name, value] : listing.bindings) std::cout << name << " = " << value << '\n';
        texts = listing.outputs;
    }
    for (std::size_t r = 0; r < m; ++r) std::cout << 'f' << r + 1 << " = " << texts[r] << '\n';
    for (std::size_t r = 0; r < m; ++r)
        for (std::size_t i = 0; i < n; ++i) {
            std::string label = notation.d;
            label.append("f").append(std::to_string(r + 1)).append("/").append(notation.d).append(wrt[i]->name());
            std::cout << label << " = " << texts[m + r * n + i] << '\n';
        }
    return kExitOk;
}

}  // namespace gradc::cli
