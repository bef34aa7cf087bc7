// Shapes: the symbolic row dimension, bound counts with overflow checks, and text.
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"

namespace gradc {

bool Shape::has_rows() const noexcept {
    for (const std::int64_t d : dims)
        if (d == kRows) return true;
    return false;
}

std::vector<std::size_t> Shape::bound(std::size_t rows) const {
    std::vector<std::size_t> out;
    out.reserve(dims.size());
    for (const std::int64_t d : dims) out.push_back(d == kRows ? rows : static_cast<std::size_t>(d));
    return out;
}

std::size_t Shape::elements(std::size_t rows) const {
    constexpr std::size_t kLimit = std::size_t{1} << 62;
    std::size_t count = 1;
    for (const std::size_t d : bound(rows)) {
        if (d != 0 && count > kLimit / d)
            throw LimitError("the shape " + text() + " with N = " + std::to_string(rows) +
                             " has more than 2^62 elements: use smaller dimensions");
        count *= d;
    }
    return count;
}

std::string Shape::text() const {
    std::string out = "[";
    for (std::size_t i = 0; i < dims.size(); ++i)
        out.append(i ? "," : "").append(dims[i] == kRows ? "N" : std::to_string(dims[i]));
    return out + "]";
}

}  // namespace gradc
