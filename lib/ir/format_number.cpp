// Numbers as text that the parser reads back to the same double.
#include <cmath>
#include <numbers>
#include <string>

#include "gradc/error.hpp"
#include "gradc/print.hpp"

namespace gradc {

std::string format_number(double v) {
    // The language's named constants: exact, and what a reader expects to see.
    if (v == std::numbers::pi) return "pi";
    if (v == -std::numbers::pi) return "-pi";
    if (v == std::numbers::e) return "e";
    if (v == -std::numbers::e) return "-e";
    return shortest_number(v);
}

}  // namespace gradc
