#include "short_number.hpp"

#include <cmath>
#include <cstdio>

namespace gradc::support {

std::string short_number(double v) {
    // printf writes a negative NaN as "-nan"; the sign of a NaN means nothing to a reader.
    if (std::isnan(v)) return "nan";
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", v);
    return text;
}

}  // namespace gradc::support
