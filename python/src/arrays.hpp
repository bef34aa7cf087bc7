// How kernel calls read NumPy arrays without copying them. Kernels read one contiguous
// float64 array per variable (jit.hpp), so the layouts taken as they are:
//
// - one 1-D float64 array per variable, each contiguous;
// - all variables in one 2-D float64 array: (k, N) in C order, or (N, k) in Fortran
//   order (each variable's N values contiguous in both).
//
// Anything else (float32, object arrays, lists, strided views, a C-ordered (N, k)) is
// refused with a TypeError that says how to convert: a copy is the caller's choice,
// never made silently.
#pragma once

#include <pybind11/numpy.h>

#include <cstddef>
#include <string>
#include <vector>

#include "bindings.hpp"

namespace gradc::python {

// Where each input's values are for one call of a kernel.
struct CallInputs {
    bool rows = false;                  // arrays were given (else one point)
    bool fortran = false;               // a (N, k) Fortran array: results are (N, n) too
    std::size_t count = 0;              // N
    std::vector<bool> is_column;        // per input: an array (a column) or a number
    std::vector<double> numbers;        // the numbers' values, by input (0 for columns)
    std::vector<const double*> columns; // the columns' data, by input (null for numbers)
    std::vector<py::object> keep;       // the arrays read, alive for the call
};

// Reads a call's arguments for inputs named `names`: f(x=1.0, y=array), f(points) with a
// 2-D array, or f(point) with a sequence of k numbers.
CallInputs read_call(const std::vector<std::string>& names, const py::args& args, const py::kwargs& kwargs);

// A new float64 array that owns its memory: shape `shape` in C order, or in Fortran
// order when `fortran`.
py::array_t<double> new_array(const std::vector<std::size_t>& shape, bool fortran);

// A result of a call over arrays: a new array as new_array() makes it, or when `given`
// is not null the caller's array (`what`, for messages), which must be one new_array()
// could have made: float64, writeable, of that shape and order.
py::array_t<double> result_array(const std::vector<std::size_t>& shape, bool fortran, py::handle given,
                                 const std::string& what);

}  // namespace gradc::python
