// Reductions (contract, sum, max) and scatters (scatter_add, view_adjoint) as loops.
//
// A sum follows the documented order (tensor.hpp): term t, in row-major order of the
// summed indices, into partial t mod 8, each partial starting at -0.0 (x + -0.0 is x,
// so the first term is exact), combined as ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)), +0.0
// when there is no term. With one summed index (or several that run through memory as
// one), the loop takes 8 terms an iteration into 8 accumulators the optimizer keeps in
// registers (or, for a sum of one element, into the 8 lanes of one vector), and a last
// loop adds the count mod 8 remaining terms into an array of the partials. Otherwise
// the partials live in a small array indexed by t mod 8.
#include <algorithm>
#include <limits>
#include <string>

#include "codegen/loop_emitter.hpp"

namespace gradc::codegen {

namespace {

// Where each axis of an operand takes its index from: an output axis (>= 0) or summed
// index s (encoded as -1 - s).
struct OperandAxes {
    Tensor node = nullptr;
    std::vector<int> source;
};

struct Reduction {
    std::vector<OperandAxes> operands;
    std::vector<Extent> summed;
};

Reduction describe(Tensor t, const LoopPlan& plan) {
    Reduction r;
    if (t->kind() == TensorKind::Contract) {
        const std::string_view lo = t->output_labels();
        std::string summed;
        for (std::size_t k = 0; k < 2; ++k) {
            const std::string_view labels = t->labels(k);
            OperandAxes op{t->operand(k), {}};
            const std::vector<Extent>& dims = plan.of(t->operand(k)).dims;
            for (std::size_t i = 0; i < labels.size(); ++i) {
                const char c = labels[i];
                const std::size_t o = lo.find(c);
                if (o != std::string_view::npos) {
                    op.source.push_back(static_cast<int>(o));
                    continue;
                }
                std::size_t s = summed.find(c);
                if (s == std::string::npos) {
                    s = summed.size();
                    summed.push_back(c);
                    r.summed.push_back(dims[i]);
                }
                op.source.push_back(-1 - static_cast<int>(s));
            }
            r.operands.push_back(std::move(op));
        }
        return r;
    }
    OperandAxes op{t->operand(0), {}};
    const std::vector<Extent>& dims = plan.of(t->operand(0)).dims;
    const std::span<const std::size_t> axes = t->axes();
    int kept = 0;
    for (std::size_t k = 0; k < dims.size(); ++k) {
        const auto it = std::find(axes.begin(), axes.end(), k);
        if (it == axes.end()) {
            op.source.push_back(kept++);
        } else {
            op.source.push_back(-1 - static_cast<int>(it - axes.begin()));
            r.summed.push_back(dims[k]);
        }
    }
    r.operands.push_back(std::move(op));
    return r;
}

// Summed indices s and s + 1 can run as one index of extent K_s · K_{s+1} when every
// operand reading them is in memory with stride_s = K_{s+1} · stride_{s+1}.
bool mergeable(const Reduction& r, std::size_t s, const LoopPlan& plan) {
    for (const OperandAxes& op : r.operands) {
        int outer = -1, inner = -1, uses = 0;
        for (std::size_t i = 0; i < op.source.size(); ++i) {
            if (op.source[i] == -1 - static_cast<int>(s)) outer = static_cast<int>(i), ++uses;
            if (op.source[i] == -2 - static_cast<int>(s)) inner = static_cast<int>(i), ++uses;
        }
        if (uses == 0) continue;
        if (uses != 2 || outer < 0 || inner < 0 || !in_memory(plan.of(op.node).role)) return false;
        const std::vector<Extent>& strides = plan.of(op.node).access.strides;
        if (!(strides[static_cast<std::size_t>(outer)] ==
              times(r.summed[s + 1], strides[static_cast<std::size_t>(inner)])))
            return false;
    }
    return true;
}

}  // namespace

llvm::Value* StageEmitter::reduce(Tensor t, const At& at, unsigned width) {
    const Reduction r = describe(t, plan_);
    const bool is_max = t->kind() == TensorKind::Max;
    llvm::Type* type = row_type(width);

    // Every summed index runs through memory as one when they merge pairwise.
    bool flat = !is_max && !r.summed.empty();
    for (std::size_t s = 0; flat && s + 1 < r.summed.size(); ++s) flat = mergeable(r, s, plan_);

    // A scalar sum over one index takes 8 terms at a time into the 8 lanes of a vector,
    // lane p holding partial p: the documented order, vectorized.
    // libmvec has 8-lane variants for AVX-512 only, so with fewer native lanes and vector
    // math on, sums stay scalar.
    const bool terms_in_lanes = !is_max && width == 1 && r.summed.size() == 1 &&
                                (options_.lanes >= 8 || (options_.lanes > 1 && !options_.lowering.vector_math));
    bool lanes_now = false;  // the term being emitted is 8 consecutive terms

    // The term at summed indices `s` (one value per summed index, or the merged one).
    const auto term = [&](const std::vector<llvm::Value*>& s) -> llvm::Value* {
        const unsigned w = lanes_now ? 8 : width;
        llvm::Value* product = nullptr;
        for (const OperandAxes& op : r.operands) {
            llvm::Value* v = nullptr;
            if (flat && r.summed.size() > 1) {
                // In memory: the output part of the offset, plus the merged index times
                // the innermost summed stride.
                const NodePlan& node = plan_.of(op.node);
                llvm::Value* offset = i64(0);
                Extent lane_stride{0, 0};
                Extent summed_stride{0, 0};
                for (std::size_t i = 0; i < op.source.size(); ++i) {
                    const Extent& stride = node.access.strides[i];
                    if (op.source[i] >= 0) {
                        offset = b_.CreateAdd(
                            offset, b_.CreateMul(at.at[static_cast<std::size_t>(op.source[i])], extent(stride)));
                        if (op.source[i] == at.lane) lane_stride = stride;
                    } else if (op.source[i] == -1 - static_cast<int>(r.summed.size() - 1)) {
                        summed_stride = stride;
                    }
                }
                offset = b_.CreateAdd(offset, b_.CreateMul(s[0], extent(summed_stride)));
                if (op.node->kind() == TensorKind::Constant && op.node->values().size() == 1)
                    v = splat(op.node->values()[0], width);
                else
                    v = load_lanes(origin(node.access), offset, lane_stride, width);
            } else {
                At in;
                for (std::size_t i = 0; i < op.source.size(); ++i) {
                    const int src = op.source[i];
                    in.at.push_back(src >= 0 ? at.at[static_cast<std::size_t>(src)]
                                             : s[static_cast<std::size_t>(-1 - src)]);
                    if ((src >= 0 && src == at.lane) || (lanes_now && src == -1)) in.lane = static_cast<int>(i);
                }
                v = element(op.node, in, w);
            }
            product = product ? b_.CreateFMul(product, v) : v;
        }
        return product;
    };

    if (is_max) {
        // Sequential, as the interpreter: -inf is max's identity, NaN wins.
        llvm::AllocaInst* m = local(type);
        b_.CreateStore(splat(-std::numeric_limits<double>::infinity(), width), m);
        loop_all(r.summed, [&](const std::vector<llvm::Value*>& s) {
            b_.CreateStore(max_of(b_.CreateLoad(type, m), term(s)), m);
        });
        return b_.CreateLoad(type, m);
    }

    if (r.summed.empty()) return term({});  // one term: t + -0.0 ... is t
    std::vector<llvm::Value*> partial(8);
    llvm::Value* count = i64(1);
    if (flat) {
        const Extent total = product_of(r.summed);
        count = extent(total);
        const bool few = total.rows == 0 && total.value < 8;  // no block of 8
        // The partials: 8 locals of `type`, or the 8 lanes of one vector.
        std::vector<llvm::AllocaInst*> acc(terms_in_lanes ? 1 : 8);
        llvm::Type* acc_type = terms_in_lanes ? row_type(8) : type;
        for (auto& a : acc) {
            a = local(acc_type);
            b_.CreateStore(splat(-0.0, terms_in_lanes ? 8 : width), a);
        }
        llvm::Value* blocks = b_.CreateLShr(count, i64(3));
        if (!few)
            loop(i64(0), blocks, i64(1), [&](llvm::Value* m) {
                llvm::Value* base = b_.CreateShl(m, i64(3));
                if (terms_in_lanes) {
                    lanes_now = true;
                    b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(acc_type, acc[0]), term({base})), acc[0]);
                    lanes_now = false;
                    return;
                }
                for (unsigned j = 0; j < 8; ++j)
                    b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(type, acc[j]), term({b_.CreateAdd(base, i64(j))})),
                                   acc[j]);
            });
        // The partials as an array of 8, for the last count mod 8 terms and the tree.
        llvm::AllocaInst* rest = local(type, i64(8));
        if (terms_in_lanes) {
            b_.CreateAlignedStore(b_.CreateLoad(acc_type, acc[0]), rest, llvm::Align(8));
        } else {
            for (unsigned j = 0; j < 8; ++j)
                b_.CreateStore(b_.CreateLoad(type, acc[j]), b_.CreateConstInBoundsGEP1_64(type, rest, j));
        }
        // The last count mod 8 terms, t mod 8 = j for the j-th: one loop, so the term's
        // code appears once more rather than seven times.
        if (total.rows != 0 || total.value % 8 != 0) {
            llvm::Value* base = b_.CreateShl(blocks, i64(3));
            loop(base, count, i64(1), [&](llvm::Value* k) {
                llvm::Value* slot = b_.CreateInBoundsGEP(type, rest, b_.CreateSub(k, base));
                b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(type, slot), term({k})), slot);
            });
        }
        for (unsigned j = 0; j < 8; ++j) partial[j] = b_.CreateLoad(type, b_.CreateConstInBoundsGEP1_64(type, rest, j));
    } else {
        llvm::AllocaInst* acc = local(type, i64(8));
        llvm::AllocaInst* t_counter = local(i64_);
        for (unsigned j = 0; j < 8; ++j)
            b_.CreateStore(splat(-0.0, width), b_.CreateConstInBoundsGEP1_64(type, acc, j));
        b_.CreateStore(i64(0), t_counter);
        loop_all(r.summed, [&](const std::vector<llvm::Value*>& s) {
            llvm::Value* tc = b_.CreateLoad(i64_, t_counter);
            llvm::Value* slot = b_.CreateInBoundsGEP(type, acc, b_.CreateAnd(tc, i64(7)));
            b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(type, slot), term(s)), slot);
            b_.CreateStore(b_.CreateAdd(tc, i64(1)), t_counter);
        });
        count = b_.CreateLoad(i64_, t_counter);
        for (unsigned j = 0; j < 8; ++j) partial[j] = b_.CreateLoad(type, b_.CreateConstInBoundsGEP1_64(type, acc, j));
    }
    return ordered_total(partial, b_.CreateICmpEQ(count, i64(0)), width);
}

llvm::Value* StageEmitter::ordered_total(std::span<llvm::Value* const> partial, llvm::Value* empty, unsigned width) {
    llvm::Value* sum =
        b_.CreateFAdd(b_.CreateFAdd(b_.CreateFAdd(partial[0], partial[1]), b_.CreateFAdd(partial[2], partial[3])),
                      b_.CreateFAdd(b_.CreateFAdd(partial[4], partial[5]), b_.CreateFAdd(partial[6], partial[7])));
    return b_.CreateSelect(empty, splat(0.0, width), sum);
}

void StageEmitter::scatter(const Stage& stage) {
    // Zeros, then each term added where it goes in row-major order of the source; a
    // target's first term replaces its zero (as the interpreter's sum starts with it).
    const Tensor root = stage.root;
    const NodePlan& node = plan_.of(root);
    llvm::Value* home = buffer(node.access.slot);
    llvm::Value* mask = buffer(node.mask_slot);
    llvm::Type* i8 = llvm::Type::getInt8Ty(context_);
    loop(i64(0), extent(product_of(node.dims)), i64(1), [&](llvm::Value* o) {
        b_.CreateStore(splat(0.0, 1), b_.CreateInBoundsGEP(f64_, home, o));
        b_.CreateStore(llvm::ConstantInt::get(i8, 0), b_.CreateInBoundsGEP(i8, mask, o));
    });
    const auto contribute = [&](llvm::Value* o, llvm::Value* v) {
        llvm::Value* target = b_.CreateInBoundsGEP(f64_, home, o);
        llvm::Value* flag = b_.CreateInBoundsGEP(i8, mask, o);
        llvm::Value* seen = b_.CreateICmpNE(b_.CreateLoad(i8, flag), llvm::ConstantInt::get(i8, 0));
        b_.CreateStore(b_.CreateSelect(seen, b_.CreateFAdd(b_.CreateLoad(f64_, target), v), v), target);
        b_.CreateStore(llvm::ConstantInt::get(i8, 1), flag);
    };
    if (root->kind() == TensorKind::ScatterAdd) {
        const std::size_t axis = root->axes()[0];
        const Tensor index = root->operand(0);
        const Tensor source = root->operand(1);
        const std::vector<Extent>& sd = plan_.of(source).dims;
        const Extent count = product_of(plan_.of(index).dims);
        llvm::Value* indices = buffer(plan_.of(index_source(index)).access.slot);
        loop_all(sd, [&](const std::vector<llvm::Value*>& i) {
            llvm::Value* position = b_.CreateURem(flat_of(sd, i), extent(count));
            std::vector<llvm::Value*> target = i;
            target[axis] = b_.CreateAlignedLoad(i64_, b_.CreateInBoundsGEP(i64_, indices, position), llvm::Align(8));
            contribute(offset_of(node.access.strides, target), element(source, At{i, -1}, 1));
        });
        return;
    }
    // view_adjoint: each element of the view added back where the view read it.
    const Tensor g = root->operand(0);
    const std::vector<Extent>& vd = plan_.of(g).dims;
    loop_all(vd, [&](const std::vector<llvm::Value*>& i) {
        std::vector<llvm::Value*> target;
        llvm::Value* inside = affine_index(root->affine(), i, node.dims, target);
        when(inside, [&] { contribute(offset_of(node.access.strides, target), element(g, At{i, -1}, 1)); });
    });
}

}  // namespace gradc::codegen
