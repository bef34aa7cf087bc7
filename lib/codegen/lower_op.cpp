#include "codegen/lower_op.hpp"

#include <cmath>
#include <limits>

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>

#include "gradc/error.hpp"

namespace gradc {

namespace {

using llvm::Value;

Value* constant(llvm::IRBuilder<>& b, double v) { return llvm::ConstantFP::get(b.getDoubleTy(), v); }

// 1.0 when the comparison holds, else 0.0.
Value* truth(llvm::IRBuilder<>& b, Value* condition) {
    return b.CreateSelect(condition, constant(b, 1.0), constant(b, 0.0));
}

// A call to the C library function `name` on doubles. It never writes memory (gradc
// does not read errno), so the optimizer may move, merge or drop it.
Value* libm(llvm::IRBuilder<>& b, const char* name, std::span<Value* const> args) {
    llvm::Module* module = b.GetInsertBlock()->getModule();
    llvm::SmallVector<llvm::Type*, 2> params(args.size(), b.getDoubleTy());
    auto* type = llvm::FunctionType::get(b.getDoubleTy(), params, false);
    llvm::FunctionCallee callee = module->getOrInsertFunction(name, type);
    if (auto* f = llvm::dyn_cast<llvm::Function>(callee.getCallee())) {
        f->setDoesNotThrow();
        f->setWillReturn();
        f->setDoesNotAccessMemory();
    }
    llvm::CallInst* call = b.CreateCall(callee, llvm::ArrayRef<Value*>(args.data(), args.size()));
    call->setDoesNotAccessMemory();
    return call;
}

Value* libm(llvm::IRBuilder<>& b, const char* name, Value* x) { return libm(b, name, std::span<Value* const>(&x, 1)); }

Value* unary_intrinsic(llvm::IRBuilder<>& b, llvm::Intrinsic::ID id, Value* x) { return b.CreateUnaryIntrinsic(id, x); }

// x^k for an integer k >= 1 by repeated squaring: at most 2*log2(k) multiplications.
Value* integer_power(llvm::IRBuilder<>& b, Value* x, unsigned k) {
    Value* result = nullptr;
    Value* square = x;
    while (true) {
        if (k & 1u) result = result ? b.CreateFMul(result, square) : square;
        k >>= 1u;
        if (k == 0) return result;
        square = b.CreateFMul(square, square);
    }
}

Value* power(llvm::IRBuilder<>& b, Expr node, Value* x, Value* y, const LoweringOptions& options) {
    Expr exponent = node->arg(1);
    if (options.integer_powers_by_multiplication && exponent->is_const()) {
        const double k = exponent->value();
        // pow(x, -1) and 1/x are both correctly rounded, so they agree everywhere.
        if (k == -1.0) return b.CreateFDiv(constant(b, 1.0), x);
        if (k >= 1.0 && k <= 16.0 && k == std::floor(k)) return integer_power(b, x, static_cast<unsigned>(k));
    }
    return b.CreateBinaryIntrinsic(llvm::Intrinsic::pow, x, y);
}

// min/max that return NaN when either side is NaN, else `pick(b, a) ? b : a` as in ops.cpp.
Value* nan_propagating(llvm::IRBuilder<>& b, Value* x, Value* y, llvm::CmpInst::Predicate prefer_y) {
    Value* either_nan = b.CreateFCmpUNO(x, y);
    Value* chosen = b.CreateSelect(b.CreateFCmp(prefer_y, y, x), y, x);
    return b.CreateSelect(either_nan, constant(b, std::numeric_limits<double>::quiet_NaN()), chosen);
}

}  // namespace

Value* lower_op(llvm::IRBuilder<>& b, Expr node, std::span<Value* const> operands, const LoweringOptions& options) {
    Value* x = operands.size() > 0 ? operands[0] : nullptr;
    Value* y = operands.size() > 1 ? operands[1] : nullptr;
    Value* z = operands.size() > 2 ? operands[2] : nullptr;
    Value* zero = constant(b, 0.0);
    switch (node->op()) {
        case Op::Const:
        case Op::Var: break;  // leaves are loaded by the caller
        case Op::Neg: return b.CreateFNeg(x);
        case Op::Pow: return power(b, node, x, y, options);
        case Op::Mul: return b.CreateFMul(x, y);
        case Op::Div: return b.CreateFDiv(x, y);
        case Op::Add: return b.CreateFAdd(x, y);
        case Op::Sub: return b.CreateFSub(x, y);
        case Op::Sqrt: return unary_intrinsic(b, llvm::Intrinsic::sqrt, x);
        case Op::Cbrt: return libm(b, "cbrt", x);
        case Op::Exp: return unary_intrinsic(b, llvm::Intrinsic::exp, x);
        case Op::Expm1: return libm(b, "expm1", x);
        case Op::Log: return unary_intrinsic(b, llvm::Intrinsic::log, x);
        case Op::Log1p: return libm(b, "log1p", x);
        case Op::Log2: return unary_intrinsic(b, llvm::Intrinsic::log2, x);
        case Op::Log10: return unary_intrinsic(b, llvm::Intrinsic::log10, x);
        case Op::Sin: return unary_intrinsic(b, llvm::Intrinsic::sin, x);
        case Op::Cos: return unary_intrinsic(b, llvm::Intrinsic::cos, x);
        case Op::Tan: return libm(b, "tan", x);
        case Op::Asin: return libm(b, "asin", x);
        case Op::Acos: return libm(b, "acos", x);
        case Op::Atan: return libm(b, "atan", x);
        case Op::Sinh: return libm(b, "sinh", x);
        case Op::Cosh: return libm(b, "cosh", x);
        case Op::Tanh: return libm(b, "tanh", x);
        case Op::Asinh: return libm(b, "asinh", x);
        case Op::Acosh: return libm(b, "acosh", x);
        case Op::Atanh: return libm(b, "atanh", x);
        case Op::Abs: return unary_intrinsic(b, llvm::Intrinsic::fabs, x);
        case Op::Sign: {
            // -1, 0 or 1, and NaN for NaN
            Value* s = b.CreateSelect(b.CreateFCmpOGT(x, zero), constant(b, 1.0),
                                      b.CreateSelect(b.CreateFCmpOLT(x, zero), constant(b, -1.0), zero));
            return b.CreateSelect(b.CreateFCmpUNO(x, x), x, s);
        }
        case Op::Floor: return unary_intrinsic(b, llvm::Intrinsic::floor, x);
        case Op::Ceil: return unary_intrinsic(b, llvm::Intrinsic::ceil, x);
        case Op::Erf: return libm(b, "erf", x);
        case Op::Relu:  // x <= 0 ? 0 : x keeps NaN
            return b.CreateSelect(b.CreateFCmpOLE(x, zero), zero, x);
        case Op::Sigmoid: {
            // e = exp(-|x|); x >= 0 ? 1/(1+e) : e/(1+e): one exp, never overflowing
            Value* e = unary_intrinsic(b, llvm::Intrinsic::exp, b.CreateFNeg(unary_intrinsic(b, llvm::Intrinsic::fabs, x)));
            Value* d = b.CreateFAdd(constant(b, 1.0), e);
            return b.CreateFDiv(b.CreateSelect(b.CreateFCmpOGE(x, zero), constant(b, 1.0), e), d);
        }
        case Op::Softplus: {
            // max(x, 0) + log1p(exp(-|x|)); NaN propagates through both terms
            Value* m = b.CreateSelect(b.CreateFCmpOLT(x, zero), zero, x);
            Value* e = unary_intrinsic(b, llvm::Intrinsic::exp, b.CreateFNeg(unary_intrinsic(b, llvm::Intrinsic::fabs, x)));
            return b.CreateFAdd(m, libm(b, "log1p", e));
        }
        case Op::Atan2: return libm(b, "atan2", operands);
        case Op::Hypot: return libm(b, "hypot", operands);
        case Op::Min: return nan_propagating(b, x, y, llvm::CmpInst::FCMP_OLT);
        case Op::Max: return nan_propagating(b, x, y, llvm::CmpInst::FCMP_OGT);
        case Op::Lt: return truth(b, b.CreateFCmpOLT(x, y));
        case Op::Le: return truth(b, b.CreateFCmpOLE(x, y));
        case Op::Gt: return truth(b, b.CreateFCmpOGT(x, y));
        case Op::Ge: return truth(b, b.CreateFCmpOGE(x, y));
        case Op::Eq: return truth(b, b.CreateFCmpOEQ(x, y));
        case Op::Ne: return truth(b, b.CreateFCmpUNE(x, y));
        case Op::Where:  // NaN counts as true
            return b.CreateSelect(b.CreateFCmpUNE(x, zero), y, z);
    }
    GRADC_ASSERT(false, "lower_op called on a leaf");
    return nullptr;
}

}  // namespace gradc
