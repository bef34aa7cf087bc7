// Reading the fields of a compact option value ("step:100:0.5", "0.9,0.999"): shared by
// the library's Schedule::named() and the command line's --betas.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace gradc::support {

// The parts of `text` between `separator`s; one empty part for empty text.
inline std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t at = text.find(separator); at != std::string_view::npos; at = text.find(separator, start)) {
        parts.emplace_back(text.substr(start, at - start));
        start = at + 1;
    }
    parts.emplace_back(text.substr(start));
    return parts;
}

// The whole of `text` as a number, or NaN (so that every range test on it fails).
inline double whole_number(const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size() ? v : std::nan("");
}

// The whole of `text` as a count of 1 or more, or 0.
inline std::size_t positive_count(const std::string& text) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(text.c_str(), &end, 10);
    const bool whole = !text.empty() && text[0] != '-' && end == text.c_str() + text.size();
    return whole ? static_cast<std::size_t>(n) : 0;
}

}  // namespace gradc::support
