#include "tensor_output.hpp"

#include <cstddef>
#include <vector>

#include "gradc/print.hpp"

namespace gradc::cli {
namespace {

// The element at row-major position `k` as a double (indices convert exactly below 2^53).
double element(const TensorValue& value, std::size_t k) {
    return value.reals.empty() && !value.indices.empty() ? static_cast<double>(value.indices[k]) : value.reals[k];
}

std::size_t count(const TensorValue& value) {
    std::size_t n = 1;
    for (const std::size_t d : value.shape) n *= d;
    return n;
}

// The text of a nested list of numbers; recursion as deep as the rank only.
void append_text(std::string& text, const Json& json) {
    if (const double* number = std::get_if<double>(&json.value)) {
        text.append(shortest_number(*number));
        return;
    }
    const auto& items = std::get<JsonArray>(json.value);
    text.push_back('[');
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) text.append(", ");
        append_text(text, items[i]);
    }
    text.push_back(']');
}

}  // namespace

Json tensor_value_json(const TensorValue& value) {
    if (value.shape.empty()) return Json(element(value, 0));
    // Built from the innermost axis out: rows of numbers, then rows of rows.
    const std::size_t n = count(value);
    JsonArray level;
    for (std::size_t k = 0; k < n; ++k) level.emplace_back(element(value, k));
    for (std::size_t a = value.shape.size(); a-- > 0;) {
        const std::size_t width = value.shape[a];
        JsonArray outer;
        if (width == 0) {
            // An empty axis: each enclosing position holds an empty list.
            std::size_t positions = 1;
            for (std::size_t b = 0; b < a; ++b) positions *= value.shape[b];
            for (std::size_t p = 0; p < positions; ++p) outer.emplace_back(JsonArray{});
        } else {
            for (std::size_t start = 0; start < level.size(); start += width)
                outer.emplace_back(JsonArray(level.begin() + static_cast<std::ptrdiff_t>(start),
                                             level.begin() + static_cast<std::ptrdiff_t>(start + width)));
        }
        level = std::move(outer);
    }
    return std::move(level.front());
}

std::string tensor_value_text(const TensorValue& value) {
    std::string text;
    append_text(text, tensor_value_json(value));
    return text;
}

}  // namespace gradc::cli
