// Which names of a model are data and which are parameters, and parameters that look
// like misspelt columns.
#include <algorithm>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/fit.hpp"
#include "gradc/parse.hpp"

namespace gradc {
namespace {

// Edit distance with swaps of neighbours counted once (optimal string alignment):
// "wieght" is one swap from "weight".
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

}  // namespace

ModelNames model_names(std::string_view model, std::span<const std::string> columns, const ParseLimits& limits) {
    ExprContext ctx;
    const Program program = parse(ctx, model, limits);
    if (program.outputs.size() != 1)
        throw Error("a model has one result; this one has " + std::to_string(program.outputs.size()));
    ModelNames names;
    for (const Expr v : program.variables) {
        const std::string name(v->name());
        const bool is_column = std::find(columns.begin(), columns.end(), name) != columns.end();
        (is_column ? names.data : names.params).push_back(name);
    }
    return names;
}

std::vector<Lookalike> lookalike_columns(std::span<const std::string> params, std::span<const std::string> columns) {
    std::vector<Lookalike> found;
    for (const std::string& param : params) {
        // Short names (w, b, w1, beta) are too often near some column by chance.
        if (param.size() < 4) continue;
        for (const std::string& column : columns)
            if (column != param && edit_distance(param, column) <= 2) {
                found.push_back({param, column});
                break;
            }
    }
    return found;
}

}  // namespace gradc
