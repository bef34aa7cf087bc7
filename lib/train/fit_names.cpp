// Which names of a model are data and which are parameters, and parameters that look
// like misspelt columns.
#include <algorithm>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/fit.hpp"
#include "gradc/parse.hpp"
#include "support/edit_distance.hpp"

namespace gradc {

ModelNames model_names(std::span<const Expr> model, std::span<const std::string> columns) {
    std::vector<Expr> variables;
    for (const Expr e : topological_order(model))
        if (e->is_var()) variables.push_back(e);
    // Creation order: for a formula parsed into a context of its own, the order its
    // names first appear in the text, bindings included.
    std::sort(variables.begin(), variables.end(), [](Expr a, Expr b) { return a->id() < b->id(); });
    ModelNames names;
    for (const Expr v : variables) {
        const std::string name(v->name());
        const bool is_column = std::find(columns.begin(), columns.end(), name) != columns.end();
        (is_column ? names.data : names.params).push_back(name);
    }
    return names;
}

ModelNames model_names(std::string_view model, std::span<const std::string> columns, const ParseLimits& limits) {
    ExprContext ctx;
    const Program program = parse(ctx, model, limits);
    if (program.outputs.size() != 1)
        throw Error("a model has one result; this one has " + std::to_string(program.outputs.size()));
    return model_names(program.outputs, columns);
}

std::vector<Lookalike> lookalike_columns(std::span<const std::string> params, std::span<const std::string> columns) {
    std::vector<Lookalike> found;
    for (const std::string& param : params) {
        // Short names (w, b, w1, beta) are too often near some column by chance.
        if (param.size() < 4) continue;
        for (const std::string& column : columns)
            if (column != param && support::edit_distance(param, column) <= 2) {
                found.push_back({param, column});
                break;
            }
    }
    return found;
}

}  // namespace gradc
