// Numbers as text that the parser reads back to the same double.
#include <charconv>
#include <cmath>
#include <numbers>
#include <string>
#include <system_error>

#include "gradc/error.hpp"
#include "gradc/print.hpp"

namespace gradc {

std::string format_number(double v) {
    // The language's named constants: exact, and what a reader expects to see.
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (v == std::numbers::pi) return "pi";
    if (v == -std::numbers::pi) return "-pi";
    if (v == std::numbers::e) return "e";
    if (v == -std::numbers::e) return "-e";
    // to_chars without a format gives the shortest text that reads back exactly,
    // preferring plain digits over an exponent when they are as short ("2", "1e+21").
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    GRADC_ASSERT(ec == std::errc{}, "a double always fits in 64 characters");
    return std::string(buf, end);
}

}  // namespace gradc
