// A list of names for a message: "x, y, z".
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace gradc::support {

// The items separated by `separator`; empty for no items.
inline std::string joined(std::span<const std::string> items, std::string_view separator = ", ") {
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i) text.append(i ? separator : "").append(items[i]);
    return text;
}

}  // namespace gradc::support
