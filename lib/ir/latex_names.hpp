// A variable's name in LaTeX, shared by the scalar and tensor printers:
// theta_1 -> \theta_{1}, x2 -> x_{2}, lr -> \mathit{lr}.
#pragma once

#include <string>
#include <string_view>

namespace gradc::ir {

void append_latex_variable(std::string& out, std::string_view name);

}  // namespace gradc::ir
