// What the interpreter and the scalar expansion share: walking a node's elements in
// row-major order, where each operand element lives, and the documented summation order.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "gradc/tensor.hpp"

namespace gradc::tensor {

// Row-major strides of `dims` (the last is 1).
std::vector<std::size_t> strides_of(std::span<const std::size_t> dims);

// For an element of `node` at multi-index `at` (bound dims), the flat offset of the
// element each operand supplies, for the kinds whose operands are read elementwise
// (Map, Broadcast, Permute, Reshape); `offset` of the node's own element given too.
void operand_offsets(Tensor node, std::span<const std::vector<std::size_t>> operand_dims,
                     std::span<const std::size_t> at, std::size_t offset, std::span<std::size_t> out);

// Advances `index` over `dims` in row-major order; false after the last.
bool next_index(std::vector<std::size_t>& index, std::span<const std::size_t> dims);

// The terms of a contraction or sum for one output element: flat offsets into the
// operands, in row-major order of the summed indices.
struct SumTerms {
    std::vector<std::size_t> a, b;  // b empty for Sum and Max
};
// For Contract, Sum and Max: the offsets of the terms of output element `at`.
SumTerms sum_terms(Tensor node, std::span<const std::vector<std::size_t>> operand_dims,
                   std::span<const std::size_t> at);

// The documented order: term t into partial sum t mod 8 (a partial with no term is
// left out, which is the same as starting it at -0.0), then
// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)); `zero` for no terms.
template <class T, class Add>
T ordered_sum(std::span<const T> terms, T zero, Add add) {
    if (terms.empty()) return zero;
    std::optional<T> partial[8];
    for (std::size_t t = 0; t < terms.size(); ++t) {
        std::optional<T>& s = partial[t % 8];
        s = s ? add(*s, terms[t]) : terms[t];
    }
    const auto both = [&add](const std::optional<T>& x, const std::optional<T>& y) -> std::optional<T> {
        if (!x) return y;
        if (!y) return x;
        return add(*x, *y);
    };
    return *both(both(both(partial[0], partial[1]), both(partial[2], partial[3])),
                 both(both(partial[4], partial[5]), both(partial[6], partial[7])));
}

}  // namespace gradc::tensor
