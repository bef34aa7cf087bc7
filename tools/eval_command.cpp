// `gradc eval EXPR --at x=1,y=2`: the value of every result at a point, by the
// reference interpreter; `--data FILE`: at every row of a CSV file, by a map kernel
// (eval_rows, codegen_commands.cpp).
#include "eval_command.hpp"

#include <iostream>
#include <utility>

#include "codegen.hpp"
#include "gradc/error.hpp"
#include "gradc/tensor_parse.hpp"
#include "tensor_formula.hpp"

namespace gradc::cli {
namespace {

int eval_at_point(const CommandOptions& options) {
    const std::string source = read_formula(options.source);
    if (declares_tensors(source)) return run_tensor_eval(options, source);
    ExprContext ctx;
    Formula formula = load_formula(ctx, options, source);
    if (!formula.point) {
        if (!formula.program.variables.empty()) {
            std::string message = "eval needs a point: give every variable a value, as in --at ";
            for (std::size_t i = 0; i < formula.program.variables.size(); ++i)
                message.append(i ? "," : "").append(formula.program.variables[i]->name()).append("=1");
            throw Error(message);
        }
        formula.point = std::vector<double>{};  // nothing to give: constants only
    }
    const std::vector<double> values = evaluate_at(formula, formula.program.outputs);
    if (options.json) {
        print_json(JsonObject{{"values", JsonArray(values.begin(), values.end())}});
    } else {
        for (const double v : values) std::cout << number_text(v) << '\n';
    }
    return kExitOk;
}

}  // namespace

CLI::App* add_eval_command(CLI::App& parent, EvalOptions& options) {
    CLI::App* app = add_subcommand(parent, "eval",
                                   "the values of the results at a point (--at) or at every row of a CSV file (--data)",
                                   options.common, false);
    app->add_option("--data", options.data, "a CSV file: evaluate at every row, with the columns as the names");
    app->footer(
        "Examples:\n"
        "  gradc eval \"x*y, x/y\" --at x=3,y=4          12 and 0.75\n"
        "  gradc eval \"x*y, x/y\" --at x=3,y=4 --json   {\"values\": [12, 0.75]}\n"
        "  gradc eval \"2*x - 1\" --data points.csv     a column of values, one per row");
    return app;
}

int run_eval(const EvalOptions& options) {
    return options.data.empty() ? eval_at_point(options.common) : eval_rows(options);
}

}  // namespace gradc::cli
