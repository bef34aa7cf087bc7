#include "codegen/row_sums.hpp"

#include <string>

#include <llvm/IR/Module.h>

namespace gradc::codegen {

namespace {

const llvm::Align kSumAlign(64);  // one cache line: an output's 8 partials never straddle two

// `for (i = 0; i < n; ++i) body(i);` at b's insertion point, n > 0, leaving b after it.
// A loop rather than straight-line code: thousands of copies of the same few
// instructions would only cost compile time.
template <class Body>
void counted_loop(llvm::IRBuilder<>& b, std::uint64_t n, const std::string& name, Body body) {
    llvm::Function* function = b.GetInsertBlock()->getParent();
    llvm::BasicBlock* before = b.GetInsertBlock();
    auto* loop = llvm::BasicBlock::Create(b.getContext(), name, function);
    auto* after = llvm::BasicBlock::Create(b.getContext(), name + "_done", function);
    b.CreateBr(loop);
    b.SetInsertPoint(loop);
    llvm::PHINode* i = b.CreatePHI(b.getInt64Ty(), 2, "k");
    i->addIncoming(b.getInt64(0), before);
    body(i);
    llvm::Value* next = b.CreateAdd(i, b.getInt64(1));
    i->addIncoming(next, b.GetInsertBlock());
    b.CreateCondBr(b.CreateICmpULT(next, b.getInt64(n)), loop, after);
    b.SetInsertPoint(after);
}

unsigned lanes_of(llvm::Type* row_type) {
    auto* vector = llvm::dyn_cast<llvm::FixedVectorType>(row_type);
    return vector == nullptr ? 1 : vector->getNumElements();
}

}  // namespace

RowSums::RowSums(llvm::IRBuilder<>& b, llvm::Type* row_type, std::size_t count, bool in_memory, llvm::Value* out)
    : b_(b), row_type_(row_type), lanes_(lanes_of(row_type)), slots_(kPartials / lanes_), count_(count), out_(out) {
    if (!in_memory || count == 0) return;
    llvm::Module& module = *b.GetInsertBlock()->getModule();
    llvm::LLVMContext& context = module.getContext();
    const std::uint64_t bytes = std::uint64_t{kPartials} * sizeof(double) * count;
    if (bytes <= kStackSumBytes) {
        llvm::AllocaInst* array = b.CreateAlloca(llvm::ArrayType::get(b.getDoubleTy(), kPartials * count));
        array->setAlignment(kSumAlign);
        memory_ = array;
    } else {
        heap_ = true;
        llvm::Type* ptr = llvm::PointerType::getUnqual(context);
        llvm::FunctionCallee malloc_fn = module.getOrInsertFunction("malloc", ptr, b.getInt64Ty());
        memory_ = b.CreateCall(malloc_fn, {b.getInt64(bytes + kSumAlign.value())});
        // No memory for the sums: every output NaN (all bits set is a NaN).
        llvm::Function* function = b.GetInsertBlock()->getParent();
        auto* failed = llvm::BasicBlock::Create(context, "no_memory", function);
        auto* got = llvm::BasicBlock::Create(context, "sums", function);
        b.CreateCondBr(b.CreateIsNull(memory_), failed, got);
        b.SetInsertPoint(failed);
        b.CreateMemSet(out_, b.getInt8(0xFF), b.getInt64(count * 8), llvm::MaybeAlign(8));
        b.CreateRetVoid();
        b.SetInsertPoint(got);
    }
    llvm::Value* aligned = memory_;
    if (heap_) {
        // malloc() aligns to 16 bytes; round up to a cache line within the extra room.
        llvm::Value* address = b.CreatePtrToInt(memory_, b.getInt64Ty());
        llvm::Value* mask = b.getInt64(kSumAlign.value() - 1);
        llvm::Value* up = b.CreateAnd(b.CreateAdd(address, mask), b.CreateNot(mask));
        aligned = b.CreateGEP(b.getInt8Ty(), memory_, b.CreateSub(up, address));
    }
    memory_base_ = aligned;
    // Every partial -0.0, which no byte pattern of memset() gives.
    llvm::Value* negative_zero = llvm::ConstantFP::getNegativeZero(b.getDoubleTy());
    counted_loop(b, kPartials * count, "zero_sums", [&](llvm::Value* i) {
        b.CreateAlignedStore(negative_zero, b.CreateInBoundsGEP(b.getDoubleTy(), memory_base_, i), llvm::Align(8));
    });
}

void RowSums::enter_loop(llvm::BasicBlock* entry) {
    if (memory_base_ != nullptr) return;
    for (std::size_t k = 0; k < count_; ++k)
        for (unsigned s = 0; s < slots_; ++s) {
            phis_.push_back(b_.CreatePHI(row_type_, 2, "sum"));
            phis_.back()->addIncoming(llvm::ConstantFP::getNegativeZero(row_type_), entry);
        }
    for (std::size_t k = 0; k < count_; ++k) next_.push_back(phis_[k * slots_]);
}

void RowSums::start_iteration(llvm::Value* offset) {
    if (memory_base_ == nullptr) return;
    // Iteration number mod slots: (offset / lanes) mod (8 / lanes), both powers of 2.
    llvm::Value* iteration = b_.CreateLShr(offset, b_.getInt64(llvm::Log2_32(lanes_)));
    llvm::Value* slot = b_.CreateAnd(iteration, b_.getInt64(slots_ - 1));
    slot_base_ = b_.CreateInBoundsGEP(row_type_, memory_base_, slot);
}

void RowSums::add(std::size_t k, llvm::Value* term) {
    // The sums' additions are the documented order's own: never contracted into an FMA
    // with a term's multiplication, whatever the kernel's options.
    llvm::IRBuilder<>::FastMathFlagGuard guard(b_);
    b_.clearFastMathFlags();
    if (memory_base_ == nullptr) {
        next_[k] = b_.CreateFAdd(next_[k], term);
        return;
    }
    const llvm::Align align(std::uint64_t{lanes_} * sizeof(double));
    llvm::Value* at = b_.CreateConstInBoundsGEP1_64(row_type_, slot_base_, k * slots_);
    b_.CreateAlignedStore(b_.CreateFAdd(b_.CreateAlignedLoad(row_type_, at, align), term), at, align);
}

void RowSums::close_loop(llvm::BasicBlock* latch) {
    // Slot s + 1 becomes slot s; the slot just added to goes last.
    for (std::size_t k = 0; k < next_.size(); ++k) {
        for (unsigned s = 0; s + 1 < slots_; ++s) phis_[k * slots_ + s]->addIncoming(phis_[k * slots_ + s + 1], latch);
        phis_[k * slots_ + slots_ - 1]->addIncoming(next_[k], latch);
    }
}

llvm::Value* RowSums::combined(llvm::Value* const (&s)[kPartials]) {
    llvm::Value* s01 = b_.CreateFAdd(s[0], s[1]);
    llvm::Value* s23 = b_.CreateFAdd(s[2], s[3]);
    llvm::Value* s45 = b_.CreateFAdd(s[4], s[5]);
    llvm::Value* s67 = b_.CreateFAdd(s[6], s[7]);
    llvm::Value* low = b_.CreateFAdd(s01, s23);
    llvm::Value* high = b_.CreateFAdd(s45, s67);
    return b_.CreateFAdd(low, high);
}

void RowSums::finish(llvm::Value* empty) {
    if (count_ == 0) return;
    llvm::IRBuilder<>::FastMathFlagGuard guard(b_);
    b_.clearFastMathFlags();
    llvm::Type* f64 = b_.getDoubleTy();
    llvm::Value* positive_zero = llvm::ConstantFP::get(f64, 0.0);
    llvm::Value* partials[kPartials];
    if (memory_base_ == nullptr) {
        for (std::size_t k = 0; k < count_; ++k) {
            for (unsigned p = 0; p < kPartials; ++p) {
                llvm::Value* slot = phis_[k * slots_ + p / lanes_];
                partials[p] = lanes_ == 1 ? slot : b_.CreateExtractElement(slot, std::uint64_t{p % lanes_});
            }
            llvm::Value* total = b_.CreateSelect(empty, positive_zero, combined(partials));
            b_.CreateStore(total, b_.CreateConstInBoundsGEP1_64(f64, out_, k));
        }
        return;
    }
    counted_loop(b_, count_, "totals", [&](llvm::Value* k) {
        llvm::Value* first = b_.CreateInBoundsGEP(f64, memory_base_, b_.CreateMul(k, b_.getInt64(kPartials)));
        for (unsigned p = 0; p < kPartials; ++p)
            partials[p] = b_.CreateAlignedLoad(f64, b_.CreateConstInBoundsGEP1_64(f64, first, p),
                                               p == 0 ? kSumAlign : llvm::Align(8));
        llvm::Value* total = b_.CreateSelect(empty, positive_zero, combined(partials));
        b_.CreateStore(total, b_.CreateInBoundsGEP(f64, out_, k));
    });
    if (heap_) {
        llvm::Module& module = *b_.GetInsertBlock()->getModule();
        llvm::FunctionCallee free_fn =
            module.getOrInsertFunction("free", b_.getVoidTy(), llvm::PointerType::getUnqual(b_.getContext()));
        b_.CreateCall(free_fn, {memory_});
    }
}

}  // namespace gradc::codegen
