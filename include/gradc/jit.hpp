// Compiled kernels: expressions turned into native code by LLVM's ORC JIT.
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
// - Rows are computed `lanes()` at a time, one row per SIMD lane. Lane j of a sum
//   adds up rows begin+j, begin+j+lanes, ... and the lanes are then added in order;
//   BatchKernel::operator() cuts the rows into chunks of kChunkRows and adds the
//   chunks in order, so a sum has the same bits whatever the number of threads.
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

#include "gradc/error.hpp"
#include "gradc/expr.hpp"

namespace gradc {

// LLVM could not build or link a kernel (an unknown CPU name, a code generator error).
class JitError : public Error {
public:
    using Error::Error;
};

enum class OptLevel { O0, O1, O2, O3 };

struct JitOptions {
    // The LLVM optimization pipeline for kernels up to `large_kernel_nodes` nodes.
    OptLevel opt_level = OptLevel::O2;
    // Kernels with more DAG nodes than this get a lighter pipeline: a few local IR
    // passes (the DAG is already free of common subexpressions) and LLVM's fast
    // instruction selector and register allocator. The full code generator's time grows
    // much faster than the kernel (~50 us per node at 1,800 nodes); the light one stays
    // near linear, at the price of slower code (docs/kernels.md).
    std::size_t large_kernel_nodes = 4000;
    // CPU to generate code for, as LLVM names it ("x86-64-v3", "skylake"); empty means
    // the host, with its features detected.
    std::string cpu;
    // Fuse a*b + c into one fused multiply-add where the CPU has one. Off by default:
    // a fused operation rounds once instead of twice, so results would differ from the
    // interpreter in the last bits.
    bool contract_fma = false;
    // x^k for an integer constant 1 <= k <= 16 is computed by repeated squaring
    // (x^-1 as 1/x) rather than by pow(): several times faster, within a few ulp of pow().
    bool integer_powers_by_multiplication = true;
    // Rows per SIMD vector in batch and map kernels: 0 picks the widest the CPU has
    // (8 with AVX-512, 4 with AVX2, else 2); 1 turns vectorization off.
    unsigned lanes = 0;
    // Vector code calls glibc's libmvec (within 4 ulp) for transcendental functions;
    // false calls scalar libm lane by lane, exactly as the interpreter does.
    bool vector_math = true;
    // Compile the numerically stable forms of the outputs (stable_forms() in
    // passes.hpp): log(1 + x) as log1p(x), exp(x) - 1 as expm1(x), log(1 + exp(x)) as
    // softplus(x), sqrt(x^2 + y^2) as hypot(x, y), ... The same function in exact
    // arithmetic; in floating point as accurate or more, so a kernel may differ from the
    // interpreter run on the formula as written. compile_point(), compile_map() and
    // compile_batch() rewrite the values (adding the new nodes to their context) before
    // differentiating them, so derivatives are those of the stable forms (softplus' =
    // sigmoid, finite where the quotient exp(x)/(1 + exp(x)) is inf/inf); then every
    // kernel's outputs are rewritten once more, in a context of the kernel's own, which
    // covers outputs given to Jit::compile directly.
    bool stable_forms = true;
    // The most instructions (scheduled DAG nodes: operations, constants and inputs) one
    // kernel may have. A larger one throws LimitError before any code is generated:
    // LLVM needs about 1.1 KiB and 20 us per instruction, so 2 million take some
    // 2.3 GiB and 45 s (docs/kernels.md).
    std::size_t max_kernel_size = 2'000'000;
};

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
    // Rows per unit of work: sums are added chunk by chunk in this fixed order.
    static constexpr std::size_t kChunkRows = 1024;

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

private:
    struct Session;
    friend struct CompiledUnit;  // a compiled unit keeps its session alive
    std::shared_ptr<Session> session_;
};

enum class Derivatives { None, Gradient, Hessian };

// Number of outputs compile_point() gives for m values of n inputs.
std::size_t point_output_count(std::size_t values, std::size_t inputs, Derivatives derivatives);

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
