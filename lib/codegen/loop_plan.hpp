// How a tensor program becomes loop nests: which nodes are written to memory (and
// where), which are computed inside the loop of the node that consumes them, and which
// are read in place through the strides of another node's buffer. No LLVM here: the
// plan is what the stage emitter (loop_nest.hpp) and the JIT's driver share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "gradc/tensor.hpp"

namespace gradc::codegen {

// A size or stride that may involve the row count: value · N^rows.
struct Extent {
    std::int64_t value = 0;
    int rows = 0;  // the power of N

    std::int64_t bound(std::size_t n) const noexcept;
    bool operator==(const Extent&) const = default;
};
Extent times(Extent a, Extent b) noexcept;
// The product of `extents`: a node's element count from its dims, a sum's term count.
Extent product_of(const std::vector<Extent>& extents) noexcept;

enum class Role : std::uint8_t {
    Input,       // a Param or Data buffer given by the caller
    Constant,    // values owned by the plan (a scalar is folded into the code instead)
    IndexAlias,  // a reshape of index data: gather and scatter read the data itself
    InPlace,     // a broadcast, transpose, reshape or in-range view read through its operand's buffer
    Inline,      // computed inside the loop of its one consumer, never stored
    Stored,      // computed by a stage of its own into its buffer
};

// Whether a node of this role has a buffer to read it from (Access below).
constexpr bool in_memory(Role role) noexcept {
    return role == Role::Input || role == Role::Constant || role == Role::InPlace || role == Role::Stored;
}

// Where a node's elements are read from: buffer `slot` at offset
// base + Σ index_k·strides[k].
struct Access {
    std::size_t slot = 0;
    std::vector<Extent> strides;
    std::int64_t base = 0;
};

struct NodePlan {
    Role role = Role::Stored;
    std::vector<Extent> dims;
    Access access;              // Input, Constant, InPlace, Stored
    std::size_t mask_slot = 0;  // ScatterAdd and ViewAdjoint stages: which targets have a term
};

struct Stage {
    Tensor root = nullptr;  // a Stored node; for a pack, the node copied
    bool sequential = false;  // scatter_add or view_adjoint: one pass over the source
    bool vectorizable = false;  // every node computed in the loop takes SIMD lanes
    // A contraction over one summed index whose operands run contiguously along it (in
    // place, or packed by an earlier stage): computed in register tiles of output
    // elements, the 8 partial sums of an element being the 8 lanes of one vector. The
    // root itself, or the inline operand of the root map (its epilogue).
    Tensor tiled = nullptr;
    // Tiled along the output instead: the operand with the output's last axis is
    // contiguous along it, so 8 consecutive elements are one vector load, and the other
    // operand's term is broadcast to all lanes. An element's 8 partials are then lane j
    // of 8 vectors, and the tree adds whole vectors. No operand needs a pack.
    bool output_lanes = false;
    Extent tile_terms;  // the tiled contraction's summed extent
    // Run only when `terms` (a sum over N) is past kOutputLanesMostTerms, or only when
    // it is not: a contraction over N along the output is two stages, one in each form,
    // and the packs of the one along the summed index run with it.
    struct Guard {
        Extent terms;
        bool past = false;
        bool operator==(const Guard&) const = default;
        bool holds(std::size_t rows) const noexcept;
    };
    std::optional<Guard> only_if;
    // A symmetric product (plan_loops' `symmetric`): the tiled stage computes the
    // entries on and above the diagonal (and some below it in the tiles that cross it),
    // and the stage after it, `mirror`, copies each row's entries above the diagonal
    // to the column below it.
    bool upper = false;
    bool mirror = false;
    // A pack: root's elements copied to slot `pack.slot` with axis `pack.axis` innermost.
    struct Pack {
        std::size_t slot = 0;
        std::size_t axis = 0;
    };
    std::optional<Pack> pack;
    // The index space the stage loops over (root's dims, or a pack's order): units are
    // every index but the last, each unit one innermost row.
    std::vector<Extent> loop_dims;
    // Work per element in multiply-adds, for cutting the units into tasks; N counted
    // as the call's row count.
    std::vector<Extent> work_terms;
};

// The most terms for which a contraction over N runs along the output. Measured: the
// 784-128-10 network's weight gradient at 32 rows, 136 against 247 us; its whole step
// at 256 rows, 2,540 against 2,770 us; the logistic Hessian's XᵀDX over 2,000 rows, 24
// times slower along the output (a tile's K lines of the wide operand, 8 KB apart,
// no longer stay in the cache).
constexpr std::int64_t kOutputLanesMostTerms = 256;

// Buffers the stages read and write, listed once in the table every stage takes.
struct Slot {
    enum class Kind : std::uint8_t { Input, Output, Constant, Scratch } kind = Kind::Scratch;
    std::size_t index = 0;  // Input and Output: the position; Constant: into constants
    Extent doubles;         // Scratch: its size in doubles
};

struct LoopPlan {
    std::vector<Tensor> order;          // every node, operands first
    std::vector<NodePlan> nodes;        // by position in `order`
    std::vector<Stage> stages;          // in the order they run
    std::vector<Slot> slots;
    std::vector<std::vector<double>> constants;
    // Outputs whose value is not written by a stage into their own buffer: copied from
    // this slot (with its row-major layout) after the stages ran.
    std::vector<std::pair<std::size_t, std::size_t>> output_copies;  // (output, slot)

    // Contraction operands read from a packed copy: (contraction id, operand) -> access.
    std::map<std::pair<std::uint32_t, std::size_t>, Access> packed;

    const NodePlan& of(Tensor t) const { return nodes[position(t)]; }
    // How contraction `t` reads its operand `k`: packed, or where the operand is.
    const Access& operand_access(Tensor t, std::size_t k) const;
    std::size_t position(Tensor t) const;
    std::vector<std::size_t> slot_of_id;  // node id -> position + 1 (0: not in the program)
};

// Every node's role, the stages and the buffers. Throws SemanticError when an output
// reads an input not among `inputs`, an input is listed twice or is no Param or Data,
// or an output holds index data.
// `lanes`: the SIMD width. Contractions are computed in register tiles when it is over
// 1, along the output's last axis where they can when it is 8.
// `symmetric`: contractions that are symmetric products (TensorCompileOptions) compute
// one triangle and mirror it.
LoopPlan plan_loops(std::span<const Tensor> outputs, std::span<const Tensor> inputs, bool fuse, unsigned lanes,
                    bool symmetric = false);

// A view_adjoint whose view is one-to-one (a slice or a pad: each view axis read by
// one axis of the target, with a positive step): each target element has at most one
// term, so it is computed elementwise, as a read of the view at the preimage.
bool injective_adjoint(Tensor t);

// The axis of contraction operand `k` that carries its one summed label (a tiled
// contraction has exactly one).
std::size_t summed_axis(Tensor c, std::size_t k);

// The data node an index tensor (index data, perhaps reshaped) reads.
Tensor index_source(Tensor index);

}  // namespace gradc::codegen
