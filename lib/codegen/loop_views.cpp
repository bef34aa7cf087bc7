// Views that read with bounds: a view's element is its operand's or 0 outside it, and a
// one-to-one view_adjoint's element is the view's element at its preimage or 0.
#include "codegen/loop_emitter.hpp"

namespace gradc::codegen {

llvm::Value* StageEmitter::compute_view(Tensor t, const At& at) {
    // x[j] with j = A·at + b per axis of x, or 0 where j falls outside x.
    const Tensor x = t->operand(0);
    const std::vector<Extent>& xd = plan_.of(x).dims;
    At in;
    llvm::Value* inside = affine_index(t->affine(), at.at, xd, in.at);
    llvm::AllocaInst* result = local(f64_);
    b_.CreateStore(splat(0.0, 1), result);
    when(inside, [&] { b_.CreateStore(element(x, in, 1), result); });
    return b_.CreateLoad(f64_, result);
}

llvm::Value* StageEmitter::affine_index(std::span<const std::int64_t> affine, const std::vector<llvm::Value*>& from,
                                        const std::vector<Extent>& to_dims, std::vector<llvm::Value*>& to) {
    const std::size_t width = from.size() + 1;
    llvm::Value* inside = b_.getTrue();
    to.clear();
    for (std::size_t a = 0; a < to_dims.size(); ++a) {
        llvm::Value* j = i64(affine[a * width + from.size()]);
        for (std::size_t k = 0; k < from.size(); ++k)
            if (affine[a * width + k] != 0) j = b_.CreateAdd(j, b_.CreateMul(from[k], i64(affine[a * width + k])));
        inside =
            b_.CreateAnd(inside, b_.CreateAnd(b_.CreateICmpSGE(j, i64(0)), b_.CreateICmpSLT(j, extent(to_dims[a]))));
        to.push_back(j);
    }
    return inside;
}

llvm::Value* StageEmitter::compute_inverse_view(Tensor t, const At& at, unsigned width) {
    // Target index j; the view element i read from it, i_k = (j_a - c_a) / s on the one
    // axis a that reads view axis k with step s; axes reading none must equal c_a.
    const Tensor g = t->operand(0);
    const std::vector<Extent>& vd = plan_.of(g).dims;
    const std::span<const std::int64_t> affine = t->affine();
    const std::size_t view_rank = vd.size(), row = view_rank + 1;
    int lane_axis = -1;  // the view axis the lanes run along
    const auto preimage = [&](const std::vector<llvm::Value*>& j, std::vector<llvm::Value*>& i) {
        i.assign(view_rank, nullptr);
        llvm::Value* inside = b_.getTrue();
        for (std::size_t a = 0; a < j.size(); ++a) {
            llvm::Value* d = b_.CreateSub(j[a], i64(affine[a * row + view_rank]));
            std::size_t k = view_rank;
            for (std::size_t v = 0; v < view_rank; ++v)
                if (affine[a * row + v] != 0) k = v;
            if (k == view_rank) {
                inside = b_.CreateAnd(inside, b_.CreateICmpEQ(d, i64(0)));
                continue;
            }
            const std::int64_t step = affine[a * row + k];
            llvm::Value* q = step == 1 ? d : b_.CreateSDiv(d, i64(step));
            inside = b_.CreateAnd(inside, b_.CreateICmpSGE(d, i64(0)));
            if (step != 1) inside = b_.CreateAnd(inside, b_.CreateICmpEQ(b_.CreateSRem(d, i64(step)), i64(0)));
            inside = b_.CreateAnd(inside, b_.CreateICmpSLT(q, extent(vd[k])));
            i[k] = q;
        }
        // Unused placeholders where outside: any index, never read.
        for (llvm::Value*& v : i)
            if (v == nullptr) v = i64(0);
        return inside;
    };
    const auto scalar = [&](const std::vector<llvm::Value*>& j) {
        std::vector<llvm::Value*> i;
        llvm::Value* inside = preimage(j, i);
        llvm::AllocaInst* result = local(f64_);
        b_.CreateStore(splat(0.0, 1), result);
        when(inside, [&] { b_.CreateStore(element(g, At{i, -1}, 1), result); });
        return b_.CreateLoad(f64_, result);
    };
    if (width == 1) return scalar(at.at);
    if (at.lane < 0) return b_.CreateVectorSplat(width, scalar(at.at));  // every lane the same element

    // The view axis the lanes run along, when the target's lane axis reads it with step 1.
    const std::size_t lane = static_cast<std::size_t>(at.lane);
    for (std::size_t k = 0; k < view_rank; ++k)
        if (affine[lane * row + k] == 1) lane_axis = static_cast<int>(k);
    llvm::Type* type = row_type(width);
    llvm::AllocaInst* result = local(type);
    llvm::Value* all_in = b_.getFalse();
    if (lane_axis >= 0) {
        // A whole vector of the view when the first and last lanes are inside it, else
        // lane by lane.
        std::vector<llvm::Value*> i, i_last;
        llvm::Value* first_in = preimage(at.at, i);
        std::vector<llvm::Value*> last = at.at;
        last[lane] = b_.CreateAdd(last[lane], i64(width - 1));
        all_in = b_.CreateAnd(first_in, preimage(last, i_last));
        when(all_in, [&] { b_.CreateStore(element(g, At{i, lane_axis}, width), result); });
    }
    when(b_.CreateNot(all_in), [&] {
        loop(i64(0), i64(width), i64(1), [&](llvm::Value* l) {
            std::vector<llvm::Value*> j = at.at;
            j[static_cast<std::size_t>(at.lane)] = b_.CreateAdd(j[static_cast<std::size_t>(at.lane)], l);
            b_.CreateStore(scalar(j), b_.CreateInBoundsGEP(f64_, result, l));
        });
    });
    return b_.CreateLoad(type, result);
}

}  // namespace gradc::codegen
