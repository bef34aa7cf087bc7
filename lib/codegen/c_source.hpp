// Kernels as portable C99 source: one `const double tN = ...;` per scheduled node,
// with apply_op's semantics (ops.cpp) spelt out in small static inline helpers, so that
// any C compiler gives the interpreter's numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/schedule.hpp"

namespace gradc::codegen {

enum class CKernelKind : std::uint8_t { Point, Sum };

struct CKernel {
    const Schedule* schedule = nullptr;
    std::string name;  // a name c_name_problem() accepts
    CKernelKind kind = CKernelKind::Point;
    std::size_t params = 0;  // Sum: how many leading inputs are parameters
    // One per input position: the local variable's name where it is a C identifier the
    // code does not otherwise use, else the input is called in_K.
    std::vector<std::string> input_names;
};

struct CSourceOptions {
    // x^k for an integer constant 1 <= k <= 16 by repeated squaring, x^-1 as 1/x, in
    // the order lower_op uses; otherwise pow().
    bool integer_powers_by_multiplication = true;
};

// The includes, the helpers the kernels use, and each kernel's definition, in order:
//   void NAME(const double* restrict in, double* restrict out)                    Point
//   void NAME(const double* restrict params, const double* const* restrict columns,
//             uint64_t begin, uint64_t end, double* restrict out)                  Sum
// Sum kernels add rows in jit.hpp's order (row begin+t into partial sum t mod 8, the
// partials combined in a fixed tree), the order of the JIT's kernels at any lane count,
// and compute the nodes that depend on parameters alone once, before the loop.
std::string c_source(std::span<const CKernel> kernels, const CSourceOptions& options);

// The C headers c_source() includes: math.h and stdint.h, and stdlib.h where a batch
// kernel has so many outputs that it takes its partial sums from malloc().
std::vector<std::string> c_headers(std::span<const CKernel> kernels);

// Empty when `name` may name an emitted kernel, else what is wrong with it, to follow
// the name in a message: "is not a C identifier: ...".
std::string c_name_problem(std::string_view name);

}  // namespace gradc::codegen
