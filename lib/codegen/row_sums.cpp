#include "codegen/row_sums.hpp"

#include <llvm/IR/Module.h>

namespace gradc::codegen {

namespace {

const llvm::Align kSumAlign(64);  // one cache line: a sum of 8 lanes never straddles two

}  // namespace

RowSums::RowSums(llvm::IRBuilder<>& b, llvm::Type* row_type, std::size_t count, bool in_memory, llvm::Value* out)
    : b_(b), row_type_(row_type), count_(count), out_(out) {
    if (!in_memory || count == 0) return;
    llvm::Module& module = *b.GetInsertBlock()->getModule();
    llvm::LLVMContext& context = module.getContext();
    const std::uint64_t bytes = module.getDataLayout().getTypeAllocSize(row_type) * count;
    if (bytes <= kStackSumBytes) {
        llvm::AllocaInst* array = b.CreateAlloca(llvm::ArrayType::get(row_type, count));
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
    b.CreateMemSet(aligned, b.getInt8(0), b.getInt64(bytes), kSumAlign);
    memory_base_ = aligned;
}

void RowSums::enter_loop(llvm::BasicBlock* entry) {
    if (memory_base_ != nullptr) return;
    for (std::size_t k = 0; k < count_; ++k) {
        phis_.push_back(b_.CreatePHI(row_type_, 2, "sum"));
        phis_.back()->addIncoming(llvm::ConstantFP::get(row_type_, 0.0), entry);
    }
    next_.assign(phis_.begin(), phis_.end());
}

void RowSums::add(std::size_t k, llvm::Value* term) {
    if (memory_base_ == nullptr) {
        next_[k] = b_.CreateFAdd(next_[k], term);
        return;
    }
    llvm::Value* at = b_.CreateConstInBoundsGEP1_64(row_type_, memory_base_, k);
    b_.CreateAlignedStore(b_.CreateFAdd(b_.CreateAlignedLoad(row_type_, at, kSumAlign), term), at, kSumAlign);
}

void RowSums::close_loop(llvm::BasicBlock* latch) {
    for (std::size_t k = 0; k < phis_.size(); ++k) phis_[k]->addIncoming(next_[k], latch);
}

llvm::Value* RowSums::lane_total(llvm::Value* lanes) {
    auto* vector = llvm::dyn_cast<llvm::FixedVectorType>(row_type_);
    if (vector == nullptr) return lanes;
    llvm::Value* total = b_.CreateExtractElement(lanes, std::uint64_t{0});
    for (unsigned j = 1; j < vector->getNumElements(); ++j)
        total = b_.CreateFAdd(total, b_.CreateExtractElement(lanes, j));
    return total;
}

void RowSums::finish() {
    llvm::Type* f64 = b_.getDoubleTy();
    if (memory_base_ == nullptr) {
        for (std::size_t k = 0; k < phis_.size(); ++k)
            b_.CreateStore(lane_total(phis_[k]), b_.CreateConstInBoundsGEP1_64(f64, out_, k));
        return;
    }
    // A loop over the sums rather than straight-line code: thousands of copies of the
    // same few instructions would only cost compile time.
    llvm::LLVMContext& context = b_.getContext();
    llvm::Function* function = b_.GetInsertBlock()->getParent();
    llvm::BasicBlock* before = b_.GetInsertBlock();
    auto* loop = llvm::BasicBlock::Create(context, "totals", function);
    auto* after = llvm::BasicBlock::Create(context, "totals_done", function);
    b_.CreateBr(loop);
    b_.SetInsertPoint(loop);
    llvm::PHINode* k = b_.CreatePHI(b_.getInt64Ty(), 2, "k");
    k->addIncoming(b_.getInt64(0), before);
    llvm::Value* lanes = b_.CreateAlignedLoad(row_type_, b_.CreateInBoundsGEP(row_type_, memory_base_, k), kSumAlign);
    b_.CreateStore(lane_total(lanes), b_.CreateInBoundsGEP(f64, out_, k));
    llvm::Value* next = b_.CreateAdd(k, b_.getInt64(1));
    k->addIncoming(next, loop);
    b_.CreateCondBr(b_.CreateICmpULT(next, b_.getInt64(count_)), loop, after);
    b_.SetInsertPoint(after);
    if (heap_) {
        llvm::Module& module = *function->getParent();
        llvm::FunctionCallee free_fn =
            module.getOrInsertFunction("free", b_.getVoidTy(), llvm::PointerType::getUnqual(context));
        b_.CreateCall(free_fn, {memory_});
    }
}

}  // namespace gradc::codegen
