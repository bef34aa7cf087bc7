// `gradc eval EXPR --at x=1,y=2`: the value of every result at a point, by the
// reference interpreter; `--data FILE`: at every row of a CSV file, by a map kernel.
#include "eval_command.hpp"

#include <iostream>
#include <utility>

#include "gradc/dataset.hpp"
#include "gradc/error.hpp"

namespace gradc::cli {
namespace {

int eval_at_point(const CommandOptions& options) {
    ExprContext ctx;
    Formula formula = load_formula(ctx, options);
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

// Every name of the formula is a column; the results are computed for all rows at once
// by one compiled map kernel, which a file of many rows needs (the interpreter walks
// the DAG once per row).
int eval_at_rows(const EvalOptions& options) {
    if (options.common.at_option->count() > 0) throw Error("give either a point (--at) or rows (--data), not both");
    ExprContext ctx;
    const Program program = load_formula(ctx, options.common).program;
    const Dataset data = read_csv_file(options.data);
    std::vector<const double*> columns;
    for (const Expr v : program.variables) {
        const std::size_t j = data.find(v->name());
        if (j == Dataset::npos) {
            std::string names;
            for (const std::string& n : data.names) names.append(names.empty() ? "" : ", ").append(n);
            throw Error("'" + std::string(v->name()) + "' is not a column of " + options.data + "; its columns are " +
                        names);
        }
        columns.push_back(data.columns[j].data());
    }
    const MapKernel kernel = compile_map(command_jit(), ctx, program.outputs, program.variables);
    const std::size_t results = program.outputs.size();
    std::vector<std::vector<double>> values(results, std::vector<double>(data.rows()));
    std::vector<double*> out;
    for (auto& column : values) out.push_back(column.data());
    kernel({}, columns, data.rows(), out);

    if (options.common.json) {
        JsonArray per_result;
        for (const auto& column : values) per_result.emplace_back(JsonArray(column.begin(), column.end()));
        print_json(JsonObject{{"values", one_or_array(std::move(per_result))}});
        return kExitOk;
    }
    std::vector<std::string> names;
    for (std::size_t k = 0; k < results; ++k)
        names.push_back(results == 1 ? "value" : "value_" + std::to_string(k + 1));
    std::cout << write_csv(Dataset{std::move(names), std::move(values)});
    return kExitOk;
}

}  // namespace

CLI::App* add_eval_command(CLI::App& parent, EvalOptions& options) {
    CLI::App* app = add_subcommand(parent, "eval",
                                   "the values of the results at a point (--at) or at every row of a CSV file (--data)",
                                   options.common, false);
    app->add_option("--data", options.data, "a CSV file: evaluate at every row, with the columns as the names");
    app->footer("Examples:\n"
                "  gradc eval \"x*y, x/y\" --at x=3,y=4          12 and 0.75\n"
                "  gradc eval \"x*y, x/y\" --at x=3,y=4 --json   {\"values\": [12, 0.75]}\n"
                "  gradc eval \"2*x - 1\" --data points.csv     a column of values, one per row");
    return app;
}

int run_eval(const EvalOptions& options) {
    return options.data.empty() ? eval_at_point(options.common) : eval_at_rows(options);
}

}  // namespace gradc::cli
