// Compiled kernels: expressions turned into native code by LLVM's ORC JIT. (Tensor
// programs compile to loop nests through the same Jit: tensor_jit.hpp.)
//
// Calling convention of a point kernel (batch kernels and emitted libraries extend it):
//
//     void kernel(const double* in, double* out);
//
// - `in` holds one value per input variable, in the order the inputs were listed to
//   compile(). For a parsed Program that is `program.variables`: first appearance in
//   the source text.
// - `out` receives the outputs in the order they were listed. compile_point() lists
//   them as: the m values; then the m x n Jacobian, row-major (output r's partial by
//   input i at m + r*n + i); then, with Derivatives::Hessian, for each output in turn
//   the upper triangle of its Hessian, row-major: (0,0) (0,1) ... (0,n-1) (1,1) ...
// - `in` and `out` must not overlap. No alignment is required. The kernel keeps no
//   state: it may run on any number of threads at once.
// - Arithmetic follows expr.hpp's semantics: IEEE double, nothing reassociated, libm
//   for the functions. Kernels agree with the Interpreter except where documented on
//   JitOptions (integer powers by multiplication, optional FMA contraction).
//
// Batch kernels (a loss and its gradient summed over data rows) and map kernels (a
// formula over arrays of points) take parameters, one value for all rows, and data
// columns, one contiguous array per column (column-major data):
//
//     void sum(const double* params, const double* const* columns,
//              uint64_t begin, uint64_t end, double* out);
//     void map(const double* params, const double* const* columns,
//              uint64_t begin, uint64_t end, double* const* out);
//
// - columns[j][r] is the j-th column's value at row r; rows [begin, end) are read.
// - sum: out[k] = the sum over those rows of output k. compile_batch() lists the
//   outputs as: the loss, then its partial by each parameter in order.
// - map: out[k][r] = output k at row r, for r in [begin, end).
// - Rows are computed `lanes()` at a time, one row per SIMD lane, but the order of a
//   sum depends on neither the lane count nor the thread count. Within one call, row
//   begin+t goes into partial sum s_{t mod 8} (each starting at -0.0, so its first term
//   is exact), and the partials are combined as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) +
//   (s6 + s7)); an empty range gives +0.0. BatchKernel::operator() cuts the rows into
//   chunks of kChunkRows, sums each chunk by one call, and adds the chunks' sums in
//   chunk order (the first, plus the second, plus the third, ...). The tensor level
//   sums the same way (tensor.hpp).
// - In vector code, exp, log, sin, cos, pow and the other transcendental functions
//   are glibc's libmvec versions: at most 4 ulp from libm (glibc's documented bound),
//   so sums may differ from the interpreter's in the last bits. JitOptions::vector_math
//   = false calls scalar libm in every lane instead: then results are the
//   interpreter's own.
//
// Ownership: a Kernel is a cheap, copyable handle. The machine code it calls lives as
// long as any handle to it, and each handle keeps its Jit's LLVM session alive, so a
// Kernel may outlive the Jit object it came from. Nothing from LLVM appears here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gradc/codegen.hpp"
#include "gradc/error.hpp"
#include "gradc/expr.hpp"

namespace gradc {

// The JIT takes the code generator's options (codegen.hpp), as emission does; the
// name JitOptions stays for the JIT's callers.
using JitOptions = CodegenOptions;

class Kernel {
public:
    using Function = void (*)(const double* in, double* out);

    Kernel() = default;  // empty: calling it is an error
    explicit operator bool() const noexcept { return fn_ != nullptr; }

    // The raw call: `in` has input_count() values, `out` room for output_count().
    void operator()(const double* in, double* out) const noexcept { fn_(in, out); }
    // Checked calls: SemanticError when a size is wrong or the kernel is empty.
    void operator()(std::span<const double> in, std::span<double> out) const;
    std::vector<double> operator()(std::span<const double> in) const;

    std::size_t input_count() const noexcept { return inputs_; }
    std::size_t output_count() const noexcept { return outputs_; }
    Function function() const noexcept { return fn_; }

private:
    friend class Jit;
    std::shared_ptr<const void> code_;  // keeps the compiled unit (and its Jit) alive
    Function fn_ = nullptr;
    std::size_t inputs_ = 0;
    std::size_t outputs_ = 0;
};

class ThreadPool;

// A loss (and its gradient) summed over data rows; see the top of this header.
class BatchKernel {
public:
    using Function = void (*)(const double* params, const double* const* columns, std::uint64_t begin,
                              std::uint64_t end, double* out);
    // Rows per unit of work: sums are added chunk by chunk in this fixed order. Small
    // enough that a mini-batch of 256 rows still spreads over 4 threads; a multiple of
    // 8, so that partial sum t of every chunk holds the rows r with r mod 8 = t.
    static constexpr std::size_t kChunkRows = 64;

    BatchKernel() = default;
    explicit operator bool() const noexcept { return fn_ != nullptr; }

    // out[k] = the sum over rows [0, rows) of output k, split over `pool` (the caller's
    // thread alone when null). Throws SemanticError for wrong sizes.
    void operator()(std::span<const double> params, std::span<const double* const> columns, std::size_t rows,
                    std::span<double> out, ThreadPool* pool = nullptr) const;
    std::vector<double> operator()(std::span<const double> params, std::span<const double* const> columns,
                                   std::size_t rows, ThreadPool* pool = nullptr) const;

    std::size_t param_count() const noexcept { return params_; }
    std::size_t column_count() const noexcept { return columns_; }
    std::size_t output_count() const noexcept { return outputs_; }
    unsigned lanes() const noexcept { return lanes_; }
    Function function() const noexcept { return fn_; }

private:
    friend class Jit;
    std::shared_ptr<const void> code_;
    Function fn_ = nullptr;
    std::size_t params_ = 0, columns_ = 0, outputs_ = 0;
    unsigned lanes_ = 1;
};

// Outputs evaluated at every row of data columns; see the top of this header.
class MapKernel {
public:
    using Function = void (*)(const double* params, const double* const* columns, std::uint64_t begin,
                              std::uint64_t end, double* const* out);

    MapKernel() = default;
    explicit operator bool() const noexcept { return fn_ != nullptr; }

    // out[k][r] = output k at row r for r in [0, rows), split over `pool` in chunks of
    // BatchKernel::kChunkRows rows. Throws SemanticError for wrong sizes.
    void operator()(std::span<const double> params, std::span<const double* const> columns, std::size_t rows,
                    std::span<double* const> out, ThreadPool* pool = nullptr) const;

    std::size_t param_count() const noexcept { return params_; }
    std::size_t column_count() const noexcept { return columns_; }
    std::size_t output_count() const noexcept { return outputs_; }
    unsigned lanes() const noexcept { return lanes_; }
    Function function() const noexcept { return fn_; }

private:
    friend class Jit;
    std::shared_ptr<const void> code_;
    Function fn_ = nullptr;
    std::size_t params_ = 0, columns_ = 0, outputs_ = 0;
    unsigned lanes_ = 1;
};

struct JitStats {
    std::size_t compiled = 0;     // kernels LLVM compiled
    std::size_t cache_hits = 0;   // compile() calls answered with existing code
    std::size_t live_units = 0;   // compiled units still referenced by some Kernel
};

namespace jit_detail {
class Session;        // the LLVM state behind a Jit (lib/jit/session.hpp)
struct KeptCode;      // what Jit::keep_compiled_code() holds
struct SessionOf;     // how the tensor kernels (tensor_jit.hpp) reach it
}  // namespace jit_detail

// One ORC LLJIT session. Copies share the session. compile() may be called from
// several threads at once.
class Jit {
public:
    // Throws JitError when the target cannot be set up (an unknown `cpu`).
    explicit Jit(JitOptions options = {});

    // Compiles `outputs` as functions of `inputs` (variables), all in one function.
    // Compiling a DAG identical to one whose code is still alive returns that code:
    // identical means the same operations, constants, input positions and outputs,
    // from any ExprContext. Throws SemanticError when an output depends on a variable
    // not among `inputs`, or one listed there twice.
    Kernel compile(std::span<const Expr> outputs, std::span<const Expr> inputs);
    // The sum over data rows of each of `outputs`, functions of `params` and `columns`.
    BatchKernel compile_sum(std::span<const Expr> outputs, std::span<const Expr> params, std::span<const Expr> columns);
    // `outputs` at every row of `columns` (with `params` the same for all rows).
    MapKernel compile_map(std::span<const Expr> outputs, std::span<const Expr> params, std::span<const Expr> columns);

    const JitOptions& options() const noexcept;
    // Rows per SIMD vector in batch and map kernels.
    unsigned lanes() const noexcept;
    // The CPU the code is generated for, and its feature string ("+avx2,+fma,...").
    const std::string& cpu_name() const noexcept;
    const std::string& cpu_features() const noexcept;
    JitStats stats() const;

    // From now on keeps the code of every kernel compiled (by this Jit or a copy) until
    // the last copy is destroyed, so compiling the same DAG again reuses it even after the
    // kernels that held it are gone: a search that trains one model shape in many trials
    // compiles it once. Off by default, since a long-lived Jit would keep every kernel.
    void keep_compiled_code();

private:
    friend struct jit_detail::SessionOf;
    void keep(const std::shared_ptr<const void>& unit);
    std::shared_ptr<jit_detail::Session> session_;
    std::shared_ptr<jit_detail::KeptCode> kept_;
};

// Differentiates `values` by every input (reverse mode; Hessians forward-over-reverse),
// adding the derivative nodes to `ctx`, and compiles values and derivatives into one
// point kernel laid out as described at the top of this header.
Kernel compile_point(Jit& jit, ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> inputs,
                     Derivatives derivatives = Derivatives::Gradient);
inline Kernel compile_point(Jit& jit, ExprContext& ctx, Expr value, std::span<const Expr> inputs,
                            Derivatives derivatives = Derivatives::Gradient) {
    return compile_point(jit, ctx, std::span<const Expr>(&value, 1), inputs, derivatives);
}

// A per-row `loss` of `params` and data `columns`, differentiated by the parameters:
// the kernel sums the loss (out[0]) and its gradient (out[1 + i], by params[i]).
BatchKernel compile_batch(Jit& jit, ExprContext& ctx, Expr loss, std::span<const Expr> params,
                          std::span<const Expr> columns);

// `values` (and their derivatives by every column, laid out as compile_point's) at
// every row of `columns`.
MapKernel compile_map(Jit& jit, ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> columns,
                      Derivatives derivatives = Derivatives::None);

}  // namespace gradc
