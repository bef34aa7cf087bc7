// Contractions in register tiles, and the packs that make their operands contiguous.
//
// An element's sum has 8 partials (tensor.hpp): term t goes to partial t mod 8. With
// both operands contiguous along the summed index, 8 consecutive terms are one vector
// load from each and one vector multiply and add into a vector whose lane p is partial
// p: the documented order, whatever the CPU's width. A tile of R × C elements keeps
// R·C such vectors in registers, so each loaded vector serves C (or R) elements; the
// last K mod 8 terms load under a mask and add -0.0 where there is no term. The lanes
// are combined by the documented tree ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)) with two
// shuffles, and the root map's epilogue (bias, activation) runs on each sum. Every tile
// has one shape: where rows or columns run out, the last one is computed again (the
// same bits, stored again), so each stage compiles one tile body, not four.
#include "codegen/loop_emitter.hpp"

namespace gradc::codegen {

namespace {

constexpr unsigned kPartials = 8;
// Units in a register tile: along the summed index, 4 × 4 elements with 32 vector
// registers (lanes of 8), else 2 × 3; along the output, 3 units × 8 partial vectors.
constexpr std::size_t kWideTileRows = 4, kWideTileColumns = 4, kNarrowTileRows = 2, kNarrowTileColumns = 3;
constexpr std::size_t kOutputTileRows = 3;

}  // namespace

std::size_t units_per_tile(const Stage& stage, const LoopNestOptions& options) {
    if (stage.output_lanes) return kOutputTileRows;
    if (stage.tiled != nullptr) return options.lanes >= 8 ? kWideTileRows : kNarrowTileRows;
    if (stage.pack || stage.mirror) return kPartials;
    return 1;
}

void StageEmitter::emit_pack(const Stage& stage) {
    // Units over the packed order; element j of unit u goes to u · inner + j.
    const Tensor x = stage.root;
    const std::size_t axis = stage.pack->axis;
    const std::vector<Extent>& dims = plan_.of(x).dims;
    const std::size_t rank = dims.size();
    llvm::Value* target = buffer(stage.pack->slot);
    const std::vector<Extent> outer(stage.loop_dims.begin(), stage.loop_dims.end() - 1);
    llvm::Value* inner = extent(stage.loop_dims.back());
    const llvm::Align align(8);
    const auto at_of = [&](llvm::Value* unit, llvm::Value* j) {
        const std::vector<llvm::Value*> others = outer.empty() ? std::vector<llvm::Value*>{} : unflatten(unit, outer);
        At at;
        for (std::size_t a = 0, o = 0; a < rank; ++a) at.at.push_back(a == axis ? j : others[o++]);
        return at;
    };
    const auto units = [&](llvm::Value* first, llvm::Value* last) {
        loop(first, last, i64(1), [&](llvm::Value* unit) {
            llvm::Value* row = b_.CreateMul(unit, inner);
            loop(i64(0), inner, i64(1), [&](llvm::Value* j) {
                b_.CreateAlignedStore(element(x, at_of(unit, j), 1),
                                      b_.CreateInBoundsGEP(f64_, target, b_.CreateAdd(row, j)), align);
            });
        });
    };
    // When x's last axis is not the packed one, it is the units' fastest axis: 8 units
    // read one vector along it per packed index, and write it to 8 rows. Reading the
    // packed axis one element at a time would take a cache line per element (a
    // 784 × 128 weight matrix: 96 us).
    const Extent last = dims.empty() ? Extent{} : dims.back();
    if (axis + 1 == rank || last.rows != 0 || last.value % kPartials != 0 || !in_memory(plan_.of(x).role) ||
        options_.lanes < 2)
        return units(function_->getArg(2), function_->getArg(3));
    in_blocks(units, [&](llvm::Value* unit) {
        llvm::Value* row = b_.CreateMul(unit, inner);
        loop(i64(0), inner, i64(1), [&](llvm::Value* j) {
            store_lanes(element(x, At{at_of(unit, j).at, static_cast<int>(rank - 1)}, kPartials), target,
                        b_.CreateAdd(row, j), inner);
        });
    });
}

void StageEmitter::store_lanes(llvm::Value* v, llvm::Value* base, llvm::Value* first, llvm::Value* stride) {
    for (unsigned l = 0; l < kPartials; ++l)
        b_.CreateAlignedStore(b_.CreateExtractElement(v, std::uint64_t{l}),
                              b_.CreateInBoundsGEP(f64_, base, b_.CreateAdd(first, b_.CreateMul(stride, i64(l)))),
                              llvm::Align(8));
}

void StageEmitter::store_sum(const Stage& stage, llvm::Value* total, const std::vector<llvm::Value*>& at,
                             llvm::Value* unit, unsigned width) {
    const Tensor c = stage.tiled;
    given_[c] = total;
    llvm::Value* v =
        stage.root == c ? total : compute(stage.root, At{at, width > 1 ? static_cast<int>(at.size() - 1) : -1}, width);
    given_.erase(c);
    const NodePlan& root = plan_.of(stage.root);
    llvm::Value* offset = b_.CreateAdd(b_.CreateMul(unit, extent(root.dims.back())), at.back());
    b_.CreateAlignedStore(v, b_.CreateInBoundsGEP(f64_, buffer(root.access.slot), offset), llvm::Align(8));
}

void StageEmitter::in_blocks(const std::function<void(llvm::Value*, llvm::Value*)>& singles,
                             const std::function<void(llvm::Value*)>& block) {
    llvm::Value* begin = function_->getArg(2);
    llvm::Value* end = function_->getArg(3);
    const auto round_down = [&](llvm::Value* v) { return b_.CreateAnd(v, i64(-static_cast<std::int64_t>(kPartials))); };
    llvm::Value* first = round_down(b_.CreateAdd(begin, i64(kPartials - 1)));
    llvm::Value* blocks_end = round_down(end);
    llvm::Value* split = b_.CreateICmpULT(first, blocks_end);
    llvm::Value* head_end = b_.CreateSelect(split, first, end);
    singles(begin, head_end);
    loop(head_end, b_.CreateSelect(split, blocks_end, head_end), i64(kPartials), block);
    singles(b_.CreateSelect(split, blocks_end, end), end);
}

llvm::Value* StageEmitter::first_term(Tensor c, std::size_t k, const std::vector<llvm::Value*>& at, bool packed) {
    const std::string_view labels = c->labels(k), lo = c->output_labels();
    const Access& access = packed ? plan_.operand_access(c, k) : plan_.of(c->operand(k)).access;
    std::vector<llvm::Value*> index;
    std::vector<Extent> strides;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::size_t o = lo.find(labels[i]);
        if (o == std::string_view::npos) continue;  // the summed axis, at 0
        index.push_back(at[o]);
        strides.push_back(access.strides[i]);
    }
    return b_.CreateInBoundsGEP(f64_, origin(access), offset_of(strides, index));
}

void StageEmitter::emit_tiled(const Stage& stage) {
    const bool wide = options_.lanes >= 8;  // 32 vector registers
    const std::size_t rows = wide ? kWideTileRows : kNarrowTileRows;
    const std::size_t columns = wide ? kWideTileColumns : kNarrowTileColumns;
    const Extent inner_extent = stage.loop_dims.back();
    llvm::Value* inner = extent(inner_extent);
    const bool whole_columns = inner_extent.rows == 0 && inner_extent.value % static_cast<std::int64_t>(columns) == 0;
    tile_rows(rows, [&](const std::vector<llvm::Value*>& units) {
        loop(first_column(stage, units[0], columns), inner, i64(static_cast<std::int64_t>(columns)),
             [&](llvm::Value* j) {
                 std::vector<llvm::Value*> js;
                 for (std::size_t c = 0; c < columns; ++c)
                     js.push_back(whole_columns ? b_.CreateAdd(j, i64(static_cast<std::int64_t>(c)))
                                                : last_at_most(b_.CreateAdd(j, i64(static_cast<std::int64_t>(c))),
                                                               b_.CreateSub(inner, i64(1))));
                 tile(stage, units, js);
             });
    });
}

void StageEmitter::tile_rows(std::size_t rows, const std::function<void(const std::vector<llvm::Value*>&)>& body) {
    llvm::Value* end = function_->getArg(3);
    llvm::Value* last = b_.CreateSub(end, i64(1));
    loop(function_->getArg(2), end, i64(static_cast<std::int64_t>(rows)), [&](llvm::Value* u) {
        std::vector<llvm::Value*> units{u};
        for (std::size_t r = 1; r < rows; ++r)
            units.push_back(last_at_most(b_.CreateAdd(u, i64(static_cast<std::int64_t>(r))), last));
        body(units);
    });
}

llvm::Value* StageEmitter::last_at_most(llvm::Value* index, llvm::Value* last) {
    return b_.CreateSelect(b_.CreateICmpULT(index, last), index, last);
}

llvm::Value* StageEmitter::first_column(const Stage& stage, llvm::Value* unit, std::size_t step) {
    if (!stage.upper) return i64(0);
    // The unit is row i of a square result: its tile row starts at the tile reaching i.
    return b_.CreateMul(b_.CreateUDiv(unit, i64(static_cast<std::int64_t>(step))),
                        i64(static_cast<std::int64_t>(step)));
}

void StageEmitter::emit_mirror(const Stage& stage) {
    // Row i below the diagonal from column i above it: 8 rows at a time read one vector
    // of each row j < i0 above the diagonal and write it to 8 rows, as packs do; the
    // triangle of the 8 rows themselves, and rows left over, one element at a time.
    const std::int64_t n = stage.loop_dims.back().value;
    llvm::Value* home = buffer(plan_.of(stage.root).access.slot);
    llvm::Value* width = extent(stage.loop_dims.back());
    const llvm::Align align(8);
    const auto copy = [&](llvm::Value* i, llvm::Value* j) {
        llvm::Value* from = b_.CreateInBoundsGEP(f64_, home, b_.CreateAdd(b_.CreateMul(j, width), i));
        b_.CreateAlignedStore(b_.CreateAlignedLoad(f64_, from, align),
                              b_.CreateInBoundsGEP(f64_, home, b_.CreateAdd(b_.CreateMul(i, width), j)), align);
    };
    const auto rows = [&](llvm::Value* first, llvm::Value* last) {
        loop(first, last, i64(1),
             [&](llvm::Value* i) { loop(i64(0), i, i64(1), [&](llvm::Value* j) { copy(i, j); }); });
    };
    if (n == 0 || stage.loop_dims.back().rows != 0) return rows(function_->getArg(2), function_->getArg(3));
    llvm::Type* vector = row_type(kPartials);
    in_blocks(rows, [&](llvm::Value* i0) {
        loop(i64(0), i0, i64(1), [&](llvm::Value* j) {
            llvm::Value* from = b_.CreateInBoundsGEP(f64_, home, b_.CreateAdd(b_.CreateMul(j, width), i0));
            store_lanes(b_.CreateAlignedLoad(vector, from, align), home, b_.CreateAdd(b_.CreateMul(i0, width), j),
                        width);
        });
        for (unsigned l = 1; l < kPartials; ++l) {
            llvm::Value* i = b_.CreateAdd(i0, i64(l));
            loop(i0, i, i64(1), [&](llvm::Value* j) { copy(i, j); });
        }
    });
}

void StageEmitter::tile(const Stage& stage, const std::vector<llvm::Value*>& units,
                        const std::vector<llvm::Value*>& columns) {
    const Tensor c = stage.tiled;
    const Tensor root = stage.root;
    const std::vector<Extent>& dims = plan_.of(root).dims;
    const std::vector<Extent> outer(dims.begin(), dims.end() - 1);
    llvm::Type* vector = row_type(kPartials);
    const llvm::Align align(8);

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
            for (std::size_t k = 0; k < 2; ++k) e.start[k] = first_term(c, k, e.at, true);
            e.sum = local(vector);
            b_.CreateStore(splat(-0.0, kPartials), e.sum);
            elements.push_back(std::move(e));
        }
    }
    const Extent summed = stage.tile_terms;
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
    // Each sum by the tree (on lanes, with two shuffles), its epilogue, and the store.
    llvm::Value* empty = b_.CreateICmpEQ(count, i64(0));
    for (std::size_t i = 0; i < elements.size(); ++i) {
        const Element& e = elements[i];
        llvm::Value* s = b_.CreateLoad(vector, e.sum);
        s = b_.CreateFAdd(s, b_.CreateShuffleVector(s, {1, 0, 3, 2, 5, 4, 7, 6}));  // s0+s1, s2+s3, ...
        s = b_.CreateFAdd(s, b_.CreateShuffleVector(s, {2, 3, 0, 1, 6, 7, 4, 5}));  // (s0+s1)+(s2+s3), ...
        llvm::Value* total =
            b_.CreateFAdd(b_.CreateExtractElement(s, std::uint64_t{0}), b_.CreateExtractElement(s, std::uint64_t{4}));
        store_sum(stage, b_.CreateSelect(empty, splat(0.0, 1), total), e.at, units[i / columns.size()], 1);
    }
}

// Tiles along the output's last axis (Stage::output_lanes): 8 consecutive elements of
// a unit are one vector, and partial p of each is lane j of a vector of its own, so
// term t adds into vector t mod 8 and the tree adds whole vectors: no horizontal sums,
// which cost as much as the terms when an element has few. A tile of 3 units keeps 24
// partial vectors in registers; the operand without that axis is broadcast from
// memory. A row that 8 does not divide ends with a vector overlapping the one before:
// its elements are computed again to the same bits.
void StageEmitter::emit_output_tiled(const Stage& stage) {
    const std::int64_t width = stage.loop_dims.back().value;  // static, at least 8 (the plan)
    tile_rows(kOutputTileRows, [&](const std::vector<llvm::Value*>& units) {
        loop(first_column(stage, units[0], kPartials), i64(width), i64(kPartials), [&](llvm::Value* j) {
            output_tile(stage, units, width % kPartials == 0 ? j : last_at_most(j, i64(width - kPartials)));
        });
    });
}

void StageEmitter::output_tile(const Stage& stage, const std::vector<llvm::Value*>& units, llvm::Value* column) {
    const Tensor c = stage.tiled;
    const Tensor root = stage.root;
    const std::vector<Extent>& dims = plan_.of(root).dims;
    const std::vector<Extent> outer(dims.begin(), dims.end() - 1);
    llvm::Type* vector = row_type(kPartials);
    const llvm::Align align(8);
    // Operand `wide` holds the output's last axis and is read as vectors along it.
    const std::size_t wide = c->labels(0).find(c->output_labels().back()) != std::string_view::npos ? 0 : 1;
    const Extent summed = stage.tile_terms;
    llvm::Value* step[2];  // each operand's stride along the summed axis
    for (std::size_t k = 0; k < 2; ++k) step[k] = extent(plan_.of(c->operand(k)).access.strides[summed_axis(c, k)]);
    struct Row {
        std::vector<llvm::Value*> at;
        llvm::Value* start[2];  // each operand at summed index 0
        llvm::AllocaInst* partials[kPartials];
    };
    std::vector<Row> rows;
    for (llvm::Value* u : units) {
        Row r;
        r.at = outer.empty() ? std::vector<llvm::Value*>{} : unflatten(u, outer);
        r.at.push_back(column);
        for (std::size_t k = 0; k < 2; ++k) r.start[k] = first_term(c, k, r.at, false);
        for (llvm::AllocaInst*& p : r.partials) {
            p = local(vector);
            b_.CreateStore(splat(-0.0, kPartials), p);
        }
        rows.push_back(std::move(r));
    }
    // Term t of every unit of the tile, into partial p = t mod 8.
    const auto add_term = [&](llvm::Value* t, unsigned p) {
        for (Row& r : rows) {
            llvm::Value* x[2];
            for (std::size_t k = 0; k < 2; ++k) {
                llvm::Value* at = b_.CreateInBoundsGEP(f64_, r.start[k], b_.CreateMul(t, step[k]));
                x[k] = k == wide ? b_.CreateAlignedLoad(vector, at, align)
                                 : b_.CreateVectorSplat(kPartials, b_.CreateAlignedLoad(f64_, at, align));
            }
            llvm::AllocaInst* sum = r.partials[p];
            b_.CreateStore(b_.CreateFAdd(b_.CreateLoad(vector, sum), b_.CreateFMul(x[0], x[1])), sum);
        }
    };
    llvm::Value* count = extent(summed);
    llvm::Value* blocks = b_.CreateLShr(count, i64(3));
    loop(i64(0), blocks, i64(1), [&](llvm::Value* m) {
        llvm::Value* t = b_.CreateShl(m, i64(3));
        for (unsigned p = 0; p < kPartials; ++p) add_term(b_.CreateAdd(t, i64(p)), p);
    });
    if (summed.rows != 0 || summed.value % kPartials != 0) {
        llvm::Value* t = b_.CreateShl(blocks, i64(3));
        llvm::Value* rest = b_.CreateAnd(count, i64(7));
        for (unsigned p = 0; p + 1 < kPartials; ++p)
            when(b_.CreateICmpULT(i64(p), rest), [&] { add_term(b_.CreateAdd(t, i64(p)), p); });
    }
    // The tree on whole vectors, the epilogue, the store.
    llvm::Value* empty = b_.CreateICmpEQ(count, i64(0));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        llvm::Value* s[kPartials];
        for (unsigned p = 0; p < kPartials; ++p) s[p] = b_.CreateLoad(vector, rows[i].partials[p]);
        store_sum(stage, ordered_total(s, empty, kPartials), rows[i].at, units[i], kPartials);
    }
}

}  // namespace gradc::codegen
