// The header of an .npy file: the magic string, the version, and the Python dict literal
// that gives dtype, order and shape. Shared by the reader and, later, the .npz reader.
#pragma once

#include <span>
#include <string>

#include "gradc/npy.hpp"

namespace gradc::detail {

// Reads and checks the header at the start of `source`, including that the source holds
// all the data the shape needs. Throws DataError beginning with the source's name.
NpyHeader read_npy_header(ByteSource& source);

// DataError "NAME: MESSAGE".
[[noreturn]] void npy_error(const ByteSource& source, const std::string& message);

// A shape as Python writes a tuple: "()", "(3,)", "(2, 3)".
std::string npy_shape_text(std::span<const std::size_t> shape);

}  // namespace gradc::detail
