// The variables a subcommand works with: --wrt picks and orders the ones to
// differentiate by, --at gives every variable a value.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc::cli {

// "x, y", or "none" for a formula without variables: for messages.
std::string variable_names(const std::vector<Expr>& variables);

// The variables named by --wrt ("x,y") in its order. Throws gradc::Error for a name the
// formula does not use, a repeated name or an empty item.
std::vector<Expr> select_variables(std::string_view wrt, const std::vector<Expr>& variables);

// "x=1,y=2" as name/value pairs, in the order given. Throws gradc::Error when it is not
// name=value pairs separated by commas, or a value is not a number.
std::vector<std::pair<std::string, double>> parse_assignments(std::string_view at);

// The value of each of `variables` from --at text, in the variables' order. Throws
// gradc::Error for a name the formula does not use, a name given twice, and a variable
// left without a value.
std::vector<double> values_at(std::string_view at, const std::vector<Expr>& variables);

}  // namespace gradc::cli
