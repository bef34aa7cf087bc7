// Ahead-of-time kernels: the kernels the JIT compiles (jit.hpp), written out so that
// programs without gradc or LLVM can call them. The formats are portable C99 source,
// LLVM IR, assembly, an object file, and a shared library with a C header.
//
// Emitted kernels keep jit.hpp's calling conventions, under a symbol the caller names:
//
//     void NAME(const double* in, double* out);                         point
//     void NAME(const double* params, const double* const* columns,     batch
//               uint64_t begin, uint64_t end, double* out);
//
// - A point kernel's outputs are laid out as compile_point()'s: the values, then the
//   Jacobian row by row, then each value's Hessian upper triangle.
// - A batch kernel sums a per-row loss and its gradient by the parameters over rows
//   [begin, end) of column-major data, as compile_batch()'s does: out[0] the loss,
//   out[1 + i] its partial by parameter i, in jit.hpp's order whatever the lane count
//   (machine code computes one row per SIMD lane, the count in the header; C source one
//   row at a time): row begin+t into partial sum t mod 8, the partials in a fixed tree.
// - Numbers follow expr.hpp's semantics. C source computes every op the way the
//   Interpreter does, bit for bit once compiled without -ffast-math and without FMA
//   contraction (-std=c99 gives both with GCC and Clang), and without the compiler
//   evaluating math functions itself (GCC does, correctly rounded, where it can tell the
//   argument; -fno-builtin stops it): then within a few ulp. x^k for integer 1 <= k <= 16
//   and x^-1 are multiplied out as CodegenOptions::integer_powers_by_multiplication says.
//   Machine code is the JIT's own code for the same options.
// - Emitting the same kernels with the same options gives the same bytes.
//
// CodegenOptions (codegen.hpp; the JIT takes the same, as JitOptions) choose the code:
// `cpu` names the machine to generate code for (empty: this host), so a library can be
// built here for other machines; `lanes` and `vector_math` shape batch kernels (vector
// math links the library to glibc's libmvec).
// LLVM problems (an unknown CPU) throw JitError; bad names SemanticError.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "gradc/codegen.hpp"
#include "gradc/expr.hpp"
#include "gradc/jit.hpp"  // the calling conventions emitted kernels keep

namespace gradc {

enum class AotKind { Point, Batch };

// One kernel to emit: what it computes, and the names that document it.
struct AotKernel {
    AotKind kind = AotKind::Point;
    // Its C symbol: letters, digits and '_', not starting with a digit or '_', and not
    // a name C, C++ or the emitted code already uses.
    std::string name;
    std::vector<Expr> outputs;  // out[k]
    std::vector<Expr> inputs;   // point: in[i]; batch: the parameters, then the columns
    std::size_t params = 0;     // batch: how many of `inputs` are parameters
    // For the comments: the formula as the user wrote it, and a name for each output
    // (or none: then they are called out[k]).
    std::string formula;
    std::vector<std::string> output_names;
};

// `values` (and with `derivatives` their gradients and Hessians, added to `ctx`) as
// functions of `inputs`, laid out as compile_point()'s. Outputs are named f (or f1,
// f2, ...), df/dx, d2f/dxdy. With `stable_forms`, as compile_point() with
// CodegenOptions::stable_forms, the values are rewritten in their stable forms before
// they are differentiated (passes.hpp), so that derivatives are stable too.
AotKernel aot_point_kernel(ExprContext& ctx, std::string name, std::span<const Expr> values,
                           std::span<const Expr> inputs, Derivatives derivatives = Derivatives::Gradient,
                           bool stable_forms = true);

// A per-row `loss` summed over rows with its gradient by `params`, as compile_batch()'s.
AotKernel aot_batch_kernel(ExprContext& ctx, std::string name, Expr loss, std::span<const Expr> params,
                           std::span<const Expr> columns, bool stable_forms = true);

// One C99 file defining every kernel, with a comment stating their formulas, inputs,
// outputs and calling conventions. Needs nothing but <math.h> and <stdint.h>.
std::string emit_c_source(std::span<const AotKernel> kernels, const CodegenOptions& options = {});

// The C header of a shared library of `kernels` built with `options`: the kernels'
// declarations with their inputs, outputs and calling conventions in its comment, and
// their sizes as enum constants (NAME_input_count, NAME_output_count; for batch kernels
// NAME_param_count, NAME_column_count, NAME_output_count and NAME_lanes). It compiles
// as C and as C++.
std::string emit_c_header(std::span<const AotKernel> kernels, const CodegenOptions& options = {});

// One kernel as optimized LLVM IR text, assembly text, or an ELF object (its bytes),
// position-independent code for `options.cpu`. (C files and libraries hold several.)
std::string emit_llvm_ir(const AotKernel& kernel, const CodegenOptions& options = {});
std::string emit_assembly(const AotKernel& kernel, const CodegenOptions& options = {});
std::string emit_object(const AotKernel& kernel, const CodegenOptions& options = {});

// Writes a shared library of `kernels` to `path`: one object per kernel, linked by the
// system C compiler (`cc` on PATH) with libm, and libmvec when vector code calls it.
// Throws Error when there is no `cc` or it fails.
void emit_shared_library(std::span<const AotKernel> kernels, const std::string& path,
                         const CodegenOptions& options = {});

}  // namespace gradc
