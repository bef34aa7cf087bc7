// The shape checks the tensor builders share; each failure is a SemanticError that
// names the shapes involved.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"

namespace gradc::tensor {

[[noreturn]] inline void refuse(const std::string& message) { throw SemanticError(message); }

inline void check_axis(std::size_t axis, const Shape& s, std::string_view what) {
    if (axis >= s.rank())
        refuse(std::string(what) + ": axis " + std::to_string(axis) + " is beyond the shape " + s.text());
}

// Dimensions of 0 or more, at most one N, and an element count without overflow.
inline void check_shape(const Shape& s) {
    std::size_t rows = 0;
    for (const std::int64_t d : s.dims) {
        if (d == kRows)
            ++rows;
        else if (d < 0)
            refuse("a dimension is 0 or more, or N; the shape " + s.text() + " is not");
    }
    if (rows > 1)
        refuse("a shape has at most one symbolic row dimension N; " + s.text() + " has " + std::to_string(rows));
    s.elements(1);  // overflow
}

// NumPy's broadcast of two shapes (aligned at the right), or nothing when a pair of
// dimensions differs and neither is 1 (that pair then in `conflict`, when given).
inline std::optional<Shape> broadcast_of(const Shape& a, const Shape& b,
                                         std::pair<std::int64_t, std::int64_t>* conflict = nullptr) {
    Shape out;
    out.dims.resize(std::max(a.rank(), b.rank()));
    for (std::size_t k = 0; k < out.rank(); ++k) {
        const std::size_t from_end = out.rank() - 1 - k;
        const std::int64_t da = from_end < a.rank() ? a.dims[a.rank() - 1 - from_end] : 1;
        const std::int64_t db = from_end < b.rank() ? b.dims[b.rank() - 1 - from_end] : 1;
        if (da == db || db == 1) {
            out.dims[k] = da;
        } else if (da == 1) {
            out.dims[k] = db;
        } else {
            if (conflict != nullptr) *conflict = {da, db};
            return std::nullopt;
        }
    }
    return out;
}

// The same, or a SemanticError that names both shapes.
inline Shape broadcast_shapes(const Shape& a, const Shape& b) {
    std::pair<std::int64_t, std::int64_t> conflict;
    if (std::optional<Shape> out = broadcast_of(a, b, &conflict)) return *out;
    refuse("the shapes " + a.text() + " and " + b.text() + " do not broadcast: dimensions " +
           Shape{{conflict.first}}.text() + " and " + Shape{{conflict.second}}.text() + " differ and neither is 1");
}

}  // namespace gradc::tensor
