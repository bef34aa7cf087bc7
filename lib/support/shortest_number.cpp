// The one shortest round-trip formatter: every number gradc writes as text (formulas,
// C literals, CSV, JSON, model files) goes through it.
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

#include "gradc/error.hpp"
#include "gradc/print.hpp"

namespace gradc {

std::string shortest_number(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    // to_chars without a format gives the shortest text that reads back exactly,
    // preferring plain digits over an exponent when they are as short ("2", "1e+21").
    std::array<char, 32> buffer{};  // the longest shortest form, -2.2250738585072014e-308, fits
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v);
    GRADC_ASSERT(ec == std::errc(), "to_chars of a double fits in 32 characters");
    return std::string(buffer.data(), end);
}

}  // namespace gradc
