#include "number.hpp"

#include <charconv>
#include <system_error>

namespace gradc::cli {

bool parse_number(std::string_view text, double& value) {
    // from_chars takes no '+'; accept it as people write it.
    if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end;
}

}  // namespace gradc::cli
