#include "point.hpp"

#include <algorithm>

#include "gradc/error.hpp"
#include "number.hpp"

namespace gradc::cli {
namespace {

// The comma-separated items of `list`, trimmed.
std::vector<std::string_view> split_commas(std::string_view list) {
    std::vector<std::string_view> items;
    for (;;) {
        const std::size_t comma = list.find(',');
        items.push_back(trim(list.substr(0, comma)));
        if (comma == std::string_view::npos) return items;
        list.remove_prefix(comma + 1);
    }
}

std::ptrdiff_t index_of(std::string_view name, const std::vector<Expr>& variables) {
    const auto it = std::find_if(variables.begin(), variables.end(), [&](Expr v) { return v->name() == name; });
    return it == variables.end() ? -1 : it - variables.begin();
}

// "unknown variable 'z' in --at; the formula's variables are x, y"
[[noreturn]] void unknown_variable(std::string_view name, const char* option, const std::vector<Expr>& variables) {
    std::string message = "unknown variable '";
    message.append(name).append("' in ").append(option);
    if (variables.empty())
        message.append("; the formula has no variables");
    else
        message.append("; the formula's variables are ").append(variable_names(variables));
    throw Error(message);
}

[[noreturn]] void malformed_at() {
    throw Error("--at expects name=value pairs separated by commas, as in --at x=1,y=2");
}

}  // namespace

std::string variable_names(const std::vector<Expr>& variables) {
    if (variables.empty()) return "none";
    std::string names;
    for (Expr v : variables) names.append(names.empty() ? "" : ", ").append(v->name());
    return names;
}

std::vector<Expr> select_variables(std::string_view wrt, const std::vector<Expr>& variables) {
    std::vector<Expr> chosen;
    for (std::string_view name : split_commas(wrt)) {
        if (name.empty()) throw Error("--wrt expects variable names separated by commas, as in --wrt x,y");
        const std::ptrdiff_t i = index_of(name, variables);
        if (i < 0) unknown_variable(name, "--wrt", variables);
        const Expr v = variables[static_cast<std::size_t>(i)];
        if (std::find(chosen.begin(), chosen.end(), v) != chosen.end()) {
            std::string message = "variable '";
            throw Error(message.append(name).append("' appears twice in --wrt"));
        }
        chosen.push_back(v);
    }
    return chosen;
}

std::vector<std::pair<std::string, double>> parse_assignments(std::string_view at) {
    std::vector<std::pair<std::string, double>> pairs;
    if (trim(at).empty()) return pairs;  // a formula without variables needs no values
    for (std::string_view item : split_commas(at)) {
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) malformed_at();
        const std::string_view name = trim(item.substr(0, eq));
        const std::string_view text = trim(item.substr(eq + 1));
        if (name.empty() || text.empty()) malformed_at();
        double value = 0;
        if (!parse_number(text, value)) {
            std::string message = "the value of ";
            message.append(name).append(" in --at is not a number: '").append(text);
            throw Error(message.append("'; write it like 2, -0.5 or 1e-3"));
        }
        pairs.emplace_back(std::string(name), value);
    }
    return pairs;
}

std::vector<double> values_at(std::string_view at, const std::vector<Expr>& variables) {
    std::vector<double> values(variables.size());
    std::vector<bool> given(variables.size(), false);
    for (const auto& [name, value] : parse_assignments(at)) {
        const std::ptrdiff_t i = index_of(name, variables);
        if (i < 0) unknown_variable(name, "--at", variables);
        const auto k = static_cast<std::size_t>(i);
        if (given[k]) {
            std::string message = "--at gives ";
            throw Error(message.append(name).append(" twice"));
        }
        values[k] = value;
        given[k] = true;
    }
    for (std::size_t k = 0; k < variables.size(); ++k) {
        if (given[k]) continue;
        std::string message = "--at needs a value for ";
        throw Error(message.append(variables[k]->name()));
    }
    return values;
}

}  // namespace gradc::cli
