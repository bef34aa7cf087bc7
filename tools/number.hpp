// A number as the command line accepts it, in --at values and tensor literals alike.
#pragma once

#include <string_view>

namespace gradc::cli {

// The whole of `text` as a double: decimal or exponent form, inf, nan, with a sign
// ('+' too, as people write it). False for anything else, or a number beyond a double.
bool parse_number(std::string_view text, double& value);

}  // namespace gradc::cli
