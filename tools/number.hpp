// A number as the command line accepts it, in --at values and tensor literals alike,
// and the trimming of the items around it.
#pragma once

#include <string_view>

namespace gradc::cli {

// The whole of `text` as a double: decimal or exponent form, inf, nan, with a sign
// ('+' too, as people write it). False for anything else, or a number beyond a double.
bool parse_number(std::string_view text, double& value);

// `s` without the spaces and tabs around it.
inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace gradc::cli
