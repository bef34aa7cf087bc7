#include "codegen/row_function.hpp"

#include <vector>

#include <llvm/IR/IRBuilder.h>

#include "codegen/emit_nodes.hpp"
#include "codegen/row_sums.hpp"

namespace gradc::codegen {

namespace {

struct RowLoop {
    llvm::Value* row = nullptr;   // first row of this iteration (i64)
    llvm::Value* mask = nullptr;  // lanes whose row is < end (vector code only)
    // Scalar code running past end (a sum's last group of 8 rows): whether the row is
    // < end, and the row it reads instead, begin, so that no load leaves the columns.
    llvm::Value* valid = nullptr;
    llvm::Value* read_row = nullptr;
};

}  // namespace

llvm::Function* emit_row_function(llvm::Module& module, const std::string& name, const Schedule& schedule,
                                  const RowFunctionOptions& options) {
    llvm::LLVMContext& context = module.getContext();
    llvm::Type* f64 = llvm::Type::getDoubleTy(context);
    llvm::Type* i64 = llvm::Type::getInt64Ty(context);
    llvm::Type* ptr = llvm::PointerType::getUnqual(context);
    const bool vector = options.lanes > 1;
    llvm::Type* row_type = vector ? llvm::FixedVectorType::get(f64, options.lanes) : f64;
    auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), {ptr, ptr, i64, i64, ptr}, false);
    auto* function = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
    function->setDoesNotThrow();
    // Vector rows spill whole vectors around libmvec calls; without realignment a spill
    // slot is only 16-byte aligned, so where the caller's stack began decided whether every
    // spill split a cache line: one process in two ran the same kernel up to 1.7x slower.
    function->addFnAttr("stackrealign");
    llvm::Argument* params = function->getArg(0);
    llvm::Argument* columns = function->getArg(1);
    llvm::Argument* begin = function->getArg(2);
    llvm::Argument* end = function->getArg(3);
    llvm::Argument* out = function->getArg(4);
    for (llvm::Argument* arg : {params, columns, out}) arg->addAttr(llvm::Attribute::NoCapture);
    params->addAttr(llvm::Attribute::ReadOnly);
    columns->addAttr(llvm::Attribute::ReadOnly);

    auto* entry = llvm::BasicBlock::Create(context, "entry", function);
    auto* header = llvm::BasicBlock::Create(context, "rows", function);
    auto* body = llvm::BasicBlock::Create(context, "row", function);
    auto* exit = llvm::BasicBlock::Create(context, "done", function);
    llvm::IRBuilder<> b(entry);
    if (options.contract_fma) {
        llvm::FastMathFlags flags;
        flags.setAllowContract(true);
        b.setFastMathFlags(flags);
    }

    // Loop invariants: parameters (broadcast to every lane, when hoisted) and column base
    // pointers.
    const std::size_t inputs = schedule.input_count;
    std::vector<llvm::Value*> invariant(inputs, nullptr);
    for (std::size_t i = 0; i < inputs; ++i) {
        if (i < options.params) {
            if (!options.hoist_params) continue;
            llvm::Value* p = b.CreateLoad(f64, b.CreateConstInBoundsGEP1_64(f64, params, i));
            invariant[i] = vector ? b.CreateVectorSplat(options.lanes, p) : p;
        } else {
            invariant[i] = b.CreateLoad(ptr, b.CreateConstInBoundsGEP1_64(ptr, columns, i - options.params));
        }
    }
    std::vector<llvm::Value*> outputs;  // map: the output arrays
    if (options.kind == RowKind::Map)
        for (std::size_t k = 0; k < schedule.outputs.size(); ++k)
            outputs.push_back(b.CreateLoad(ptr, b.CreateConstInBoundsGEP1_64(ptr, out, k)));
    const std::size_t sum_count = options.kind == RowKind::Sum ? schedule.outputs.size() : 0;
    RowSums sums(b, row_type, sum_count, options.sums_in_memory, out);
    // The loop's end: `end`, or past it to a whole number of groups of 8 rows when the
    // sums need them (row_sums.hpp).
    llvm::Value* empty = b.CreateICmpUGE(begin, end);
    llvm::Value* loop_end = end;
    if (sums.whole_groups()) {
        const std::uint64_t group = RowSums::kPartials;
        llvm::Value* rows = b.CreateSelect(empty, llvm::ConstantInt::get(i64, 0), b.CreateSub(end, begin));
        llvm::Value* rounded = b.CreateAnd(b.CreateAdd(rows, llvm::ConstantInt::get(i64, group - 1)),
                                           llvm::ConstantInt::get(i64, ~(group - 1)));
        loop_end = b.CreateAdd(begin, rounded);
    }
    llvm::BasicBlock* preheader = b.GetInsertBlock();
    b.CreateBr(header);

    // rows: i = begin, begin + lanes, ... while i < loop_end, with the running sums.
    b.SetInsertPoint(header);
    llvm::PHINode* row = b.CreatePHI(i64, 2, "i");
    row->addIncoming(begin, preheader);
    sums.enter_loop(preheader);
    b.CreateCondBr(b.CreateICmpULT(row, loop_end), body, exit);

    b.SetInsertPoint(body);
    RowLoop loop{row, nullptr, nullptr, row};
    if (vector) {
        llvm::SmallVector<llvm::Constant*, 8> offsets;
        for (unsigned j = 0; j < options.lanes; ++j) offsets.push_back(llvm::ConstantInt::get(i64, j));
        llvm::Value* lane_rows =
            b.CreateAdd(b.CreateVectorSplat(options.lanes, row), llvm::ConstantVector::get(offsets));
        loop.mask = b.CreateICmpULT(lane_rows, b.CreateVectorSplat(options.lanes, end));
    } else if (loop_end != end) {
        loop.valid = b.CreateICmpULT(row, end);
        loop.read_row = b.CreateSelect(loop.valid, row, begin);
    }
    sums.start_iteration(b.CreateSub(row, begin));
    const llvm::Align align(8);
    llvm::Value* row_zero = llvm::ConstantFP::get(row_type, 0.0);
    // What a row past end adds: -0.0 leaves every partial as it is, even a -0.0 one.
    llvm::Value* no_term = llvm::ConstantFP::getNegativeZero(row_type);
    NodeEmission how;
    how.type = row_type;
    how.input = [&](std::uint32_t position) -> llvm::Value* {
        if (position < options.params) {
            if (invariant[position]) return invariant[position];
            llvm::Value* p = b.CreateLoad(f64, b.CreateConstInBoundsGEP1_64(f64, params, position));
            return vector ? b.CreateVectorSplat(options.lanes, p) : p;
        }
        llvm::Value* address = b.CreateInBoundsGEP(f64, invariant[position], loop.read_row);
        // Masked-off lanes read nothing and hold 0; their results are never used.
        if (vector) return b.CreateMaskedLoad(row_type, address, align, loop.mask, row_zero);
        return b.CreateLoad(f64, address);
    };
    how.lowering = options.lowering;
    how.block_instructions = options.block_instructions;
    how.output_ready = [&](std::size_t k, llvm::Value* v) {
        if (options.kind == RowKind::Sum) {
            if (vector) v = b.CreateSelect(loop.mask, v, no_term);
            if (loop.valid != nullptr) v = b.CreateSelect(loop.valid, v, no_term);
            sums.add(k, v);
        } else {
            llvm::Value* address = b.CreateInBoundsGEP(f64, outputs[k], row);
            if (vector)
                b.CreateMaskedStore(v, address, align, loop.mask);
            else
                b.CreateStore(v, address);
        }
    };
    emit_nodes(b, schedule, how);
    sums.close_loop(b.GetInsertBlock());
    row->addIncoming(b.CreateAdd(row, llvm::ConstantInt::get(i64, options.lanes)), b.GetInsertBlock());
    b.CreateBr(header);

    // done: each sum's 8 partials combined in a fixed tree, so the result depends on
    // the rows alone.
    b.SetInsertPoint(exit);
    sums.finish(empty);
    b.CreateRetVoid();
    return function;
}

}  // namespace gradc::codegen
