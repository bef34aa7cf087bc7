#include "codegen/vector_math.hpp"

#include <string>

#include <llvm/IR/Module.h>

#include "ir/op_facts.hpp"

namespace gradc::codegen {

namespace {

// A declaration that reads and writes no memory (gradc never reads errno), so the
// optimizer may move, merge or drop calls.
llvm::FunctionCallee declare(llvm::Module& module, const std::string& name, llvm::Type* type, std::size_t arity) {
    llvm::SmallVector<llvm::Type*, 2> params(arity, type);
    llvm::FunctionCallee callee = module.getOrInsertFunction(name, llvm::FunctionType::get(type, params, false));
    if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
        f->setDoesNotThrow();
        f->setWillReturn();
        f->setDoesNotAccessMemory();
    }
    return callee;
}

llvm::Value* call(llvm::IRBuilder<>& b, llvm::FunctionCallee callee, std::span<llvm::Value* const> args,
                  bool as_called) {
    llvm::CallInst* c = b.CreateCall(callee, llvm::ArrayRef<llvm::Value*>(args.data(), args.size()));
    c->setDoesNotAccessMemory();
    if (as_called) c->addFnAttr(llvm::Attribute::NoBuiltin);
    return c;
}

}  // namespace

std::string libmvec_name(std::string_view name, unsigned lanes, std::size_t arity) {
    if (!ir::has_libmvec(name)) return "";  // the op table's libmvec column
    // The ISA letter of the x86-64 vector function ABI: b SSE4, d AVX2, e AVX-512.
    const char isa = lanes == 2 ? 'b' : lanes == 4 ? 'd' : lanes == 8 ? 'e' : '\0';
    if (isa == '\0') return "";
    std::string symbol = "_ZGV";
    symbol.push_back(isa);
    symbol.append("N").append(std::to_string(lanes)).append(arity, 'v').append("_").append(name);
    return symbol;
}

llvm::Value* call_math(llvm::IRBuilder<>& b, std::string_view name, std::span<llvm::Value* const> args,
                       bool vector_library, bool as_called) {
    llvm::Module& module = *b.GetInsertBlock()->getModule();
    llvm::Type* type = args[0]->getType();
    auto* vector = llvm::dyn_cast<llvm::FixedVectorType>(type);
    if (vector == nullptr) return call(b, declare(module, std::string(name), type, args.size()), args, as_called);
    const unsigned lanes = vector->getNumElements();
    if (vector_library)
        if (const std::string symbol = libmvec_name(name, lanes, args.size()); !symbol.empty())
            return call(b, declare(module, symbol, type, args.size()), args, as_called);
    llvm::FunctionCallee scalar = declare(module, std::string(name), vector->getElementType(), args.size());
    llvm::Value* result = llvm::PoisonValue::get(type);
    for (unsigned lane = 0; lane < lanes; ++lane) {
        llvm::SmallVector<llvm::Value*, 2> lane_args;
        for (llvm::Value* arg : args) lane_args.push_back(b.CreateExtractElement(arg, lane));
        result = b.CreateInsertElement(result, call(b, scalar, lane_args, as_called), lane);
    }
    return result;
}

}  // namespace gradc::codegen
