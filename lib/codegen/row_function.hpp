// Kernels over data rows as LLVM functions, vectorized across rows: each SIMD lane
// computes one row, so every op of the DAG becomes one vector instruction (or one
// libmvec call) for `lanes` rows at a time. One loop body serves all rows: the last,
// partial group of rows runs with the missing lanes masked off (a sum's loop may run on
// to the end of a group of 8 rows, adding nothing: row_sums.hpp).
//
//   sum: void f(const double* params, const double* const* columns,
//               uint64_t begin, uint64_t end, double* out)
//        out[k] = the sum over rows r in [begin, end) of output k, in jit.hpp's order
//        for every lane count: row begin+t into partial t mod 8, the 8 partials
//        combined in a fixed tree (row_sums.hpp)
//   map: void f(const double* params, const double* const* columns,
//               uint64_t begin, uint64_t end, double* const* out)
//        out[k][r] = output k at row r, for r in [begin, end)
//
// The schedule's first `params` inputs are parameters (one value for all rows), the
// rest are columns (columns[j][r] is input params + j at row r).
#pragma once

#include <cstddef>
#include <string>

#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include "codegen/lower_op.hpp"
#include "codegen/schedule.hpp"

namespace gradc::codegen {

enum class RowKind { Sum, Map };

struct RowFunctionOptions {
    RowKind kind = RowKind::Sum;
    std::size_t params = 0;
    unsigned lanes = 4;  // 1 (scalar), 2, 4 or 8
    LoweringOptions lowering;
    bool contract_fma = false;
    std::size_t block_instructions = 0;  // as in PointFunctionOptions
    // Load and broadcast every parameter once before the row loop. Right for kernels
    // the optimizer sees whole; in a large kernel built with the light pipeline,
    // thousands of hoisted values would each take a stack slot, so each parameter is
    // loaded where it is first used instead.
    bool hoist_params = true;
    bool sums_in_memory = false;  // see row_sums.hpp
};

llvm::Function* emit_row_function(llvm::Module& module, const std::string& name, const Schedule& schedule,
                                  const RowFunctionOptions& options);

}  // namespace gradc::codegen
