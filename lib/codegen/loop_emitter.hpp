// The code generator of one stage function (loop_nest.hpp): element values of nodes
// at an index, loops, and reads through a node's strides. Elementwise kinds are in
// loop_nest.cpp, reductions and scatters in loop_reduce.cpp.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include <llvm/IR/IRBuilder.h>

#include "codegen/loop_nest.hpp"
#include "codegen/schedule.hpp"
#include "gradc/expr.hpp"

namespace gradc::codegen {

// The index of an element: one i64 per axis of the node; with lanes, lane j reads the
// element whose axis `lane` is at[lane] + j (lane -1: every lane reads the same one).
struct At {
    std::vector<llvm::Value*> at;
    int lane = -1;
};

class StageEmitter {
public:
    StageEmitter(llvm::Function* function, const LoopPlan& plan, const LoopNestOptions& options);

    void emit_stage(const Stage& stage);

private:
    // Element values: doubles for width 1, else vectors of `width` doubles.
    llvm::Type* row_type(unsigned width) const;
    // The node's value at `at`: computed here when inline, else read from its buffer.
    llvm::Value* element(Tensor t, const At& at, unsigned width);
    // The node's value computed from its operands (the root of a stage, or inline).
    llvm::Value* compute(Tensor t, const At& at, unsigned width);
    llvm::Value* compute_map(Tensor t, const At& at, unsigned width);
    llvm::Value* compute_view(Tensor t, const At& at);                               // loop_views.cpp
    // The index a view reads (or its adjoint writes) for element `from`: j_a = c_a +
    // Σ_k m_ak·from_k per axis a of `to_dims` (TensorNode::affine()), into `to`; returns
    // whether every j_a lies inside its axis.
    llvm::Value* affine_index(std::span<const std::int64_t> affine, const std::vector<llvm::Value*>& from,
                              const std::vector<Extent>& to_dims, std::vector<llvm::Value*>& to);  // loop_views.cpp
    llvm::Value* compute_inverse_view(Tensor t, const At& at, unsigned width);       // loop_views.cpp
    llvm::Value* compute_gather(Tensor t, const At& at);
    llvm::Value* reduce(Tensor t, const At& at, unsigned width);  // loop_reduce.cpp
    // The documented tree ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)) of 8 partial sums, each a
    // value of `width` lanes; +0.0 where `empty` (no term).
    llvm::Value* ordered_total(std::span<llvm::Value* const> partial, llvm::Value* empty, unsigned width);
    // A tiled contraction's sum `total` for the element of `unit` at `at` (column last):
    // through the root map's epilogue when the root is one, stored into the root.
    void store_sum(const Stage& stage, llvm::Value* total, const std::vector<llvm::Value*>& at, llvm::Value* unit,
                   unsigned width);
    // Lane l of `v` to base[first + l·stride]: a vector's elements down 8 rows.
    void store_lanes(llvm::Value* v, llvm::Value* base, llvm::Value* first, llvm::Value* stride);
    void scatter(const Stage& stage);                            // loop_reduce.cpp
    void emit_rows(const Stage& stage);                          // every other stage
    void emit_pack(const Stage& stage);                          // loop_tile.cpp
    void emit_tiled(const Stage& stage);                         // loop_tile.cpp
    // One register tile of emit_tiled: `units` × `columns` elements.
    void tile(const Stage& stage, const std::vector<llvm::Value*>& units, const std::vector<llvm::Value*>& columns);
    void emit_output_tiled(const Stage& stage);  // loop_tile.cpp
    void emit_mirror(const Stage& stage);        // loop_tile.cpp
    // The stage's units [begin, end) in tiles of `rows`: the last tile's missing units
    // are the last unit again, computed to the same bits (one tile shape, less code).
    void tile_rows(std::size_t rows, const std::function<void(const std::vector<llvm::Value*>&)>& body);
    llvm::Value* last_at_most(llvm::Value* index, llvm::Value* last);  // min(index, last)
    // The stage's units [begin, end): those in aligned blocks of 8 by `block` (given
    // the block's first unit), the others before and after by `singles` (first, last).
    void in_blocks(const std::function<void(llvm::Value*, llvm::Value*)>& singles,
                   const std::function<void(llvm::Value*)>& block);
    // Where the tiles of `unit`'s row start: 0, or for Stage::upper the tile of `step`
    // columns holding the diagonal.
    llvm::Value* first_column(const Stage& stage, llvm::Value* unit, std::size_t step);
    // Where contraction c's operand k holds the first term of output element `at`: in
    // its packed copy when it has one and `packed`.
    llvm::Value* first_term(Tensor c, std::size_t k, const std::vector<llvm::Value*>& at, bool packed);
    // One register tile of emit_output_tiled: elements column .. column + 7 of `units`.
    void output_tile(const Stage& stage, const std::vector<llvm::Value*>& units, llvm::Value* column);

    // Reads through `access` at element `at`.
    llvm::Value* read(const Access& access, const At& at, unsigned width);
    llvm::Value* load_lanes(llvm::Value* base, llvm::Value* offset, const Extent& lane_stride, unsigned width);
    llvm::Value* offset_of(const std::vector<Extent>& strides, const std::vector<llvm::Value*>& at);
    // Row-major flat position of `at` in `dims`, and the reverse.
    llvm::Value* flat_of(const std::vector<Extent>& dims, const std::vector<llvm::Value*>& at);
    std::vector<llvm::Value*> unflatten(llvm::Value* flat, const std::vector<Extent>& dims);

    // for (i = begin; i < end; i += step) body(i); leaves the builder after the loop.
    void loop(llvm::Value* begin, llvm::Value* end, llvm::Value* step, const std::function<void(llvm::Value*)>& body);
    // Nested loops over every index of `dims`, row-major.
    void loop_all(const std::vector<Extent>& dims, const std::function<void(const std::vector<llvm::Value*>&)>& body);
    // if (condition) then(); leaves the builder after it.
    void when(llvm::Value* condition, const std::function<void()>& then);

    // Values computed once at the top of the function.
    llvm::Value* extent(const Extent& e);
    llvm::Value* buffer(std::size_t slot);
    llvm::Value* origin(const Access& access);  // the buffer at the access's base offset
    llvm::AllocaInst* local(llvm::Type* type, llvm::Value* count = nullptr);
    llvm::Value* i64(std::int64_t v) const;
    llvm::Value* splat(double v, unsigned width) const;
    llvm::Value* max_of(llvm::Value* a, llvm::Value* b);

    llvm::Function* function_;
    const LoopPlan& plan_;
    LoopNestOptions options_;
    llvm::LLVMContext& context_;
    llvm::IRBuilder<> b_;
    std::unique_ptr<llvm::IRBuilder<>> top_;  // inserts before the entry block's branch
    llvm::Type* f64_;
    llvm::Type* i64_;
    llvm::Type* ptr_;
    llvm::Value* buffers_;
    llvm::Value* rows_;
    std::unordered_map<std::size_t, llvm::Value*> buffer_cache_;
    std::unordered_map<std::int64_t, llvm::Value*> rows_powers_;
    // Values of inline nodes already computed for the element being emitted (a tiled
    // contraction's sum, before its epilogue).
    std::unordered_map<Tensor, llvm::Value*> given_;
    // Each map body's straight-line program and placeholders, made once: a body is
    // emitted once per variant of its stage's loop (vector, tail, tile shapes).
    struct Body {
        std::vector<Expr> inputs;
        Schedule schedule;
    };
    std::unordered_map<Expr, Body> bodies_;
    ExprContext helpers_;  // max(a, b), lowered with scalar max's NaN rule
    Expr max_node_;
};

}  // namespace gradc::codegen
