// LLVM IR for the stages of a loop plan (loop_plan.hpp), one function a stage:
//
//     void stage(void* const* buffers, uint64_t rows, uint64_t begin, uint64_t end);
//
// - buffers[s] is slot s of the plan: inputs (doubles, or int64 for index data),
//   outputs, constants and scratch, each row-major; rows is N.
// - A stage computes the units [begin, end) of its root node: a unit is one innermost
//   row (all of the root when it is a scalar, or when the stage is sequential: a
//   scatter_add or view_adjoint, which ignores the range and runs whole).
// - An innermost row runs `lanes` elements at a time, one per SIMD lane (a row of static
//   width ends with a vector overlapping the one before; of width N, with the rest one
//   at a time); each element's sums are computed whole in the documented order
//   (tensor.hpp), so the bits depend on neither the lanes nor how units are spread over
//   threads. Contractions run in register tiles instead (loop_tile.cpp).
#pragma once

#include <span>
#include <string>
#include <vector>

#include <llvm/IR/Module.h>

#include "codegen/loop_plan.hpp"
#include "codegen/lower_op.hpp"

namespace gradc::codegen {

struct LoopNestOptions {
    unsigned lanes = 1;  // 1 (scalar), 2, 4 or 8
    LoweringOptions lowering;
};

// How many units a stage takes together (a register tile's rows, a pack's block): a
// range of units cut at multiples of it runs no unit in a narrower tile.
std::size_t units_per_tile(const Stage& stage, const LoopNestOptions& options);

// The functions of `stages` (positions in plan.stages), each named prefix + "_" +
// its position; returns their names in that order.
std::vector<std::string> emit_loop_nests(llvm::Module& module, const LoopPlan& plan, const std::string& prefix,
                                         const LoopNestOptions& options, std::span<const std::size_t> stages);

}  // namespace gradc::codegen
