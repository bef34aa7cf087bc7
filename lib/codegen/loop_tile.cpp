// Contractions in register tiles, and the packs that make their operands contiguous.
//
// An element's sum has 8 partials (tensor.hpp): term t goes to partial t mod 8. With
// both operands contiguous along the summed index, 8 consecutive terms are one vector
// load from each and one vector multiply and add into a vector whose lane p is partial
// p: the documented order, whatever the CPU's width. A tile of R × C elements keeps
// R·C such vectors in registers, so each loaded vector serves C (or R) elements; the
// last K mod 8 terms load under a mask and add -0.0 where there is no term. The lanes
// are combined by the documented tree ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)) with two
// shuffles, and the root map's epilogue (bias, activation) runs on each sum.
#include "codegen/loop_emitter.hpp"

namespace gradc::codegen {

namespace {

constexpr unsigned kPartials = 8;

}  // namespace

void StageEmitter::emit_pack(const Stage& stage) {
    // Units over the packed order; element j of unit u goes to u · inner + j.
    const Tensor x = stage.root;
    const std::size_t axis = stage.pack->axis;
    const std::size_t rank = plan_.of(x).dims.size();
    llvm::Value* target = buffer(stage.pack->slot);
    const std::vector<Extent> outer(stage.loop_dims.begin(), stage.loop_dims.end() - 1);
    llvm::Value* inner = extent(stage.loop_dims.back());
    loop(function_->getArg(2), function_->getArg(3), i64(1), [&](llvm::Value* unit) {
        const std::vector<llvm::Value*> others = outer.empty() ? std::vector<llvm::Value*>{} : unflatten(unit, outer);
        llvm::Value* row = b_.CreateMul(unit, inner);
        loop(i64(0), inner, i64(1), [&](llvm::Value* j) {
            At at;
            for (std::size_t a = 0, o = 0; a < rank; ++a) at.at.push_back(a == axis ? j : others[o++]);
            b_.CreateAlignedStore(element(x, at, 1), b_.CreateInBoundsGEP(f64_, target, b_.CreateAdd(row, j)),
                                  llvm::Align(8));
        });
    });
}

void StageEmitter::emit_tiled(const Stage& stage) {
    const bool wide = options_.lanes >= 8;  // 32 vector registers: 4 × 4 tiles
    const std::size_t rows = wide ? 4 : 2, columns = wide ? 4 : 3;
    llvm::Value* begin = function_->getArg(2);
    llvm::Value* end = function_->getArg(3);
    const Extent inner_extent = stage.loop_dims.back();
    llvm::Value* inner = extent(inner_extent);
    // Column remainders only where the width may not divide: every tile shape costs code.
    const bool whole_columns = inner_extent.rows == 0 && inner_extent.value % static_cast<std::int64_t>(columns) == 0;
    llvm::Value* full_units =
        b_.CreateAdd(begin, b_.CreateMul(b_.CreateUDiv(b_.CreateSub(end, begin), i64(rows)), i64(rows)));
    const auto columns_of = [&](const std::vector<llvm::Value*>& units) {
        llvm::Value* full = b_.CreateMul(b_.CreateUDiv(inner, i64(columns)), i64(columns));
        loop(i64(0), full, i64(columns), [&](llvm::Value* j) {
            std::vector<llvm::Value*> js;
            for (std::size_t c = 0; c < columns; ++c) js.push_back(b_.CreateAdd(j, i64(c)));
            tile(stage, units, js);
        });
        if (!whole_columns) loop(full, inner, i64(1), [&](llvm::Value* j) { tile(stage, units, {j}); });
    };
    loop(begin, full_units, i64(rows), [&](llvm::Value* u) {
        std::vector<llvm::Value*> units;
        for (std::size_t r = 0; r < rows; ++r) units.push_back(b_.CreateAdd(u, i64(r)));
        columns_of(units);
    });
    loop(full_units, end, i64(1),
         [&](llvm::Value* u) { loop(i64(0), inner, i64(1), [&](llvm::Value* j) { tile(stage, {u}, {j}); }); });
}

void StageEmitter::tile(const Stage& stage, const std::vector<llvm::Value*>& units,
                        const std::vector<llvm::Value*>& columns) {
    const Tensor c = stage.tiled;
    const Tensor root = stage.root;
    const std::vector<Extent>& dims = plan_.of(root).dims;
    const std::vector<Extent> outer(dims.begin(), dims.end() - 1);
    llvm::Type* vector = row_type(kPartials);
    const llvm::Align align(8);
    const std::string_view lo = c->output_labels();

    // Each element's output index, and where each operand's run of terms starts.
    struct Element {
        std::vector<llvm::Value*> at;
        llvm::Value* start[2];
        llvm::AllocaInst* sum;
    };
    std::vector<Element> elements;
    for (llvm::Value* u : units) {
        const std::vector<llvm::Value*> head = outer.empty() ? std::vector<llvm::Value*>{} : unflatten(u, outer);
        for (llvm::Value* j : columns) {
            Element e;
            e.at = head;
            e.at.push_back(j);
            for (std::size_t k = 0; k < 2; ++k) {
                const std::string_view labels = c->labels(k);
                const Access& access = plan_.operand_access(c, k);
                std::vector<llvm::Value*> index;
                std::vector<Extent> strides;
                for (std::size_t i = 0; i < labels.size(); ++i) {
                    const std::size_t o = lo.find(labels[i]);
                    if (o == std::string_view::npos) continue;  // the summed axis: stride 1
                    index.push_back(e.at[o]);
                    strides.push_back(access.strides[i]);
                }
                e.start[k] = b_.CreateInBoundsGEP(f64_, origin(access), offset_of(strides, index));
            }
            e.sum = local(vector);
            b_.CreateStore(splat(-0.0, kPartials), e.sum);
            elements.push_back(std::move(e));
        }
    }
    // The summed extent, from the first operand's dims.
    Extent summed{0, 0};
    for (std::size_t i = 0; i < c->labels(0).size(); ++i)
        if (lo.find(c->labels(0)[i]) == std::string_view::npos) summed = plan_.of(c->operand(0)).dims[i];
    llvm::Value* count = extent(summed);
    llvm::Value* blocks = b_.CreateLShr(count, i64(3));
    loop(i64(0), blocks, i64(1), [&](llvm::Value* m) {
        llvm::Value* k = b_.CreateShl(m, i64(3));
        for (Element& e : elements) {
            llvm::Value* a = b_.CreateAlignedLoad(vector, b_.CreateInBoundsGEP(f64_, e.start[0], k), align);
            llvm::Value* b = b_.CreateAlignedLoad(vector, b_.CreateInBoundsGEP(f64_, e.start[1], k), align);
            b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(vector, e.sum), b_.CreateFMul(a, b)), e.sum);
        }
    });
    llvm::Value* rest = b_.CreateAnd(count, i64(7));
    if (summed.rows != 0 || summed.value % kPartials != 0)
        when(b_.CreateICmpNE(rest, i64(0)), [&] {
            llvm::Value* k = b_.CreateShl(blocks, i64(3));
            llvm::SmallVector<llvm::Constant*, 8> lanes;
            for (unsigned j = 0; j < kPartials; ++j) lanes.push_back(llvm::ConstantInt::get(i64_, j));
            llvm::Value* mask =
                b_.CreateICmpULT(llvm::ConstantVector::get(lanes), b_.CreateVectorSplat(kPartials, rest));
            llvm::Value* zero = splat(0.0, kPartials);
            for (Element& e : elements) {
                llvm::Value* a =
                    b_.CreateMaskedLoad(vector, b_.CreateInBoundsGEP(f64_, e.start[0], k), align, mask, zero);
                llvm::Value* b =
                    b_.CreateMaskedLoad(vector, b_.CreateInBoundsGEP(f64_, e.start[1], k), align, mask, zero);
                llvm::Value* term = b_.CreateSelect(mask, b_.CreateFMul(a, b), splat(-0.0, kPartials));
                b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(vector, e.sum), term), e.sum);
            }
        });
    // Each sum by the tree, its epilogue, and the store.
    llvm::Value* home = buffer(plan_.of(root).access.slot);
    llvm::Value* empty = b_.CreateICmpEQ(count, i64(0));
    for (std::size_t i = 0; i < elements.size(); ++i) {
        const Element& e = elements[i];
        llvm::Value* s = b_.CreateLoad(vector, e.sum);
        s = b_.CreateFAdd(s, b_.CreateShuffleVector(s, {1, 0, 3, 2, 5, 4, 7, 6}));  // s0+s1, s2+s3, ...
        s = b_.CreateFAdd(s, b_.CreateShuffleVector(s, {2, 3, 0, 1, 6, 7, 4, 5}));  // (s0+s1)+(s2+s3), ...
        llvm::Value* total =
            b_.CreateFAdd(b_.CreateExtractElement(s, std::uint64_t{0}), b_.CreateExtractElement(s, std::uint64_t{4}));
        total = b_.CreateSelect(empty, splat(0.0, 1), total);
        given_[c] = total;
        llvm::Value* v = root == c ? total : compute(root, At{e.at, -1}, 1);
        given_.erase(c);
        const std::size_t u = i / columns.size(), j = i % columns.size();
        llvm::Value* offset = b_.CreateAdd(b_.CreateMul(units[u], extent(dims.back())), columns[j]);
        b_.CreateAlignedStore(v, b_.CreateInBoundsGEP(f64_, home, offset), align);
    }
}

}  // namespace gradc::codegen
