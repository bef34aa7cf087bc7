// Affine views: slices with strides, padding, diagonals and sliding windows are one
// kind, View, whose element i reads x at an affine function of i (0 outside x); and
// its adjoint, ViewAdjoint, which adds back.
#include <string>
#include <vector>

#include "gradc/tensor.hpp"
#include "tensor/checks.hpp"

namespace gradc {

using tensor::check_axis;
using tensor::check_shape;
using tensor::refuse;

namespace {

// The affine map of a view of `from` onto `to` that carries every axis through
// unchanged except as `change` rewrites rows: rows[a] = coefficients over to's axes,
// then the offset.
struct Affine {
    std::size_t out_rank;
    std::vector<std::vector<std::int64_t>> rows;  // one per input axis

    std::vector<std::int64_t> flat() const {
        std::vector<std::int64_t> out;
        for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
        return out;
    }
};

// Input axis a read at output axis k (coefficient 1, offset 0).
std::vector<std::int64_t> carried(std::size_t out_rank, std::size_t k) {
    std::vector<std::int64_t> row(out_rank + 1, 0);
    row[k] = 1;
    return row;
}

// N may only pass through as it is: read at one output axis of N, by no other axis.
void check_rows(const Shape& x, const Shape& out, std::span<const std::int64_t> affine) {
    const std::size_t width = out.rank() + 1;
    for (std::size_t k = 0; k < out.rank(); ++k) {
        std::size_t readers = 0, carries = 0;
        for (std::size_t a = 0; a < x.rank(); ++a) {
            const std::int64_t c = affine[a * width + k];
            if (c == 0) continue;
            ++readers;
            if (x.dims[a] == kRows && c == 1 && affine[a * width + out.rank()] == 0) ++carries;
        }
        if (out.dims[k] == kRows && !(readers == 1 && carries == 1))
            refuse("a view keeps the rows N only as they are: " + x.text() + " to " + out.text());
        if (out.dims[k] != kRows && carries > 0)
            refuse("a view keeps the rows N only as they are: " + x.text() + " to " + out.text());
    }
    for (std::size_t a = 0; a < x.rank(); ++a)
        if (x.dims[a] == kRows) {
            std::size_t readers = 0;
            for (std::size_t k = 0; k < out.rank(); ++k) readers += affine[a * width + k] != 0 ? 1 : 0;
            if (readers != 1) refuse("a view keeps the rows N only as they are: " + x.text() + " to " + out.text());
        }
}

void check_affine(const Shape& x, const Shape& out, std::span<const std::int64_t> affine) {
    if (affine.size() != x.rank() * (out.rank() + 1))
        refuse("a view of " + x.text() + " onto " + out.text() + " needs " + std::to_string(x.rank()) + " rows of " +
               std::to_string(out.rank() + 1) + " numbers");
    check_rows(x, out, affine);
}

}  // namespace

Tensor TensorContext::view(Tensor x, Shape shape, std::vector<std::int64_t> affine) {
    if (x->type() != ElementType::Real) refuse("an index tensor enters only gather and scatter_add");
    check_shape(shape);
    check_affine(x->shape(), shape, affine);
    TensorNode n;
    n.kind_ = TensorKind::View;
    n.shape_ = std::move(shape);
    n.operands_ = {x};
    n.affine_ = std::move(affine);
    return intern(n);
}

Tensor TensorContext::view_adjoint(Tensor g, Shape shape, std::vector<std::int64_t> affine) {
    check_shape(shape);
    check_affine(shape, g->shape(), affine);
    TensorNode n;
    n.kind_ = TensorKind::ViewAdjoint;
    n.shape_ = std::move(shape);
    n.operands_ = {g};
    n.affine_ = std::move(affine);
    return intern(n);
}

Tensor TensorContext::slice(Tensor x, std::size_t axis, std::int64_t start, std::int64_t stop, std::int64_t step) {
    const Shape& s = x->shape();
    check_axis(axis, s, "slice");
    if (s.dims[axis] == kRows) refuse("slices of the rows N are not supported: slice a fixed axis");
    if (!(0 <= start && start <= stop && stop <= s.dims[axis] && step >= 1))
        refuse("slice " + std::to_string(start) + ":" + std::to_string(stop) + ":" + std::to_string(step) +
               " of axis " + std::to_string(axis) + " of " + s.text() +
               ": need 0 <= start <= stop <= " + std::to_string(s.dims[axis]) + " and a step of 1 or more");
    Shape out = s;
    out.dims[axis] = (stop - start + step - 1) / step;
    Affine map{out.rank(), {}};
    for (std::size_t a = 0; a < s.rank(); ++a) map.rows.push_back(carried(out.rank(), a));
    map.rows[axis][axis] = step;
    map.rows[axis][out.rank()] = start;
    if (out == s) return x;
    return view(x, std::move(out), map.flat());
}

Tensor TensorContext::pad(Tensor x, std::size_t axis, std::int64_t low, std::int64_t high) {
    const Shape& s = x->shape();
    check_axis(axis, s, "pad");
    if (s.dims[axis] == kRows) refuse("padding the rows N is not supported: pad a fixed axis");
    if (low < 0 || high < 0) refuse("pad adds 0 or more zeros at each end");
    if (low == 0 && high == 0) return x;
    Shape out = s;
    out.dims[axis] += low + high;
    Affine map{out.rank(), {}};
    for (std::size_t a = 0; a < s.rank(); ++a) map.rows.push_back(carried(out.rank(), a));
    map.rows[axis][out.rank()] = -low;
    return view(x, std::move(out), map.flat());
}

Tensor TensorContext::diagonal(Tensor x, std::size_t first, std::size_t second) {
    const Shape& s = x->shape();
    check_axis(first, s, "diagonal");
    check_axis(second, s, "diagonal");
    if (first == second || s.dims[first] != s.dims[second] || s.dims[first] == kRows)
        refuse("a diagonal takes two different fixed axes of equal size; " + s.text() + " axes " +
               std::to_string(first) + " and " + std::to_string(second) + " are not");
    Shape out;
    std::vector<std::size_t> position(s.rank());  // output axis of each input axis
    for (std::size_t a = 0; a < s.rank(); ++a) {
        if (a == second) continue;
        position[a] = out.rank();
        out.dims.push_back(s.dims[a]);
    }
    position[second] = position[first];
    Affine map{out.rank(), {}};
    for (std::size_t a = 0; a < s.rank(); ++a) map.rows.push_back(carried(out.rank(), position[a]));
    return view(x, std::move(out), map.flat());
}

Tensor TensorContext::windows(Tensor x, std::size_t axis, std::int64_t size) {
    const Shape& s = x->shape();
    check_axis(axis, s, "windows");
    if (s.dims[axis] == kRows) refuse("windows over the rows N are not supported: use a fixed axis");
    if (size < 1 || size > s.dims[axis])
        refuse("windows of " + std::to_string(size) + " along axis " + std::to_string(axis) + " of " + s.text() +
               ": the size must be 1 to " + std::to_string(s.dims[axis]));
    Shape out;
    for (std::size_t a = 0; a < s.rank(); ++a) {
        if (a == axis) {
            out.dims.push_back(s.dims[a] - size + 1);
            out.dims.push_back(size);
        } else {
            out.dims.push_back(s.dims[a]);
        }
    }
    Affine map{out.rank(), {}};
    for (std::size_t a = 0; a < s.rank(); ++a) map.rows.push_back(carried(out.rank(), a < axis ? a : a + 1));
    map.rows[axis][axis] = 1;
    map.rows[axis][axis + 1] = 1;
    return view(x, std::move(out), map.flat());
}

}  // namespace gradc
