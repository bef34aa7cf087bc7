#include "codegen/lower_op.hpp"

#include <cmath>
#include <limits>

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>

#include "codegen/vector_math.hpp"
#include "gradc/error.hpp"
#include "ir/op_facts.hpp"

namespace gradc::codegen {

namespace {

using llvm::Value;

Value* constant(Value* like, double v) { return llvm::ConstantFP::get(like->getType(), v); }

// 1.0 when the comparison holds, else 0.0.
Value* truth(llvm::IRBuilder<>& b, Value* like, Value* condition) {
    return b.CreateSelect(condition, constant(like, 1.0), constant(like, 0.0));
}

// The C library function the op table's libm column names for `op`. Scalar code uses
// LLVM's intrinsic where there is one (`id`), which the optimizer folds and pairs (sin
// and cos of one value become one sincos); vector code calls libmvec (see vector_math.hpp).
Value* math(llvm::IRBuilder<>& b, const LoweringOptions& options, Op op, std::span<Value* const> args,
            llvm::Intrinsic::ID id = llvm::Intrinsic::not_intrinsic) {
    if (id != llvm::Intrinsic::not_intrinsic && !args[0]->getType()->isVectorTy()) {
        if (args.size() == 1) return b.CreateUnaryIntrinsic(id, args[0]);
        return b.CreateBinaryIntrinsic(id, args[0], args[1]);
    }
    return call_math(b, ir::op_facts(op).libm, args, options.vector_math);
}

Value* math(llvm::IRBuilder<>& b, const LoweringOptions& options, Op op, Value* x,
            llvm::Intrinsic::ID id = llvm::Intrinsic::not_intrinsic) {
    return math(b, options, op, std::span<Value* const>(&x, 1), id);
}

Value* fabs(llvm::IRBuilder<>& b, Value* x) { return b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x); }

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

Value* power(llvm::IRBuilder<>& b, Expr node, std::span<Value* const> xy, const LoweringOptions& options) {
    Expr exponent = node->arg(1);
    if (options.integer_powers_by_multiplication && exponent->is_const()) {
        const double k = exponent->value();
        // 1/x is correctly rounded; glibc's pow(x, -1) is within 0.52 ulp of it.
        if (k == -1.0) return b.CreateFDiv(constant(xy[0], 1.0), xy[0]);
        if (k >= 1.0 && k <= 16.0 && k == std::floor(k)) return integer_power(b, xy[0], static_cast<unsigned>(k));
    }
    // As called: LLVM would turn pow(x, 2) into x*x and pow(x, 0.5) into sqrt(x), which
    // glibc's pow (within 0.52 ulp, not always correctly rounded) does not always match.
    return call_math(b, ir::op_facts(Op::Pow).libm, xy, options.vector_math, true);
}

// min/max that return NaN when either side is NaN, else `pick(b, a) ? b : a` as in ops.cpp.
Value* nan_propagating(llvm::IRBuilder<>& b, Value* x, Value* y, llvm::CmpInst::Predicate prefer_y) {
    Value* either_nan = b.CreateFCmpUNO(x, y);
    Value* chosen = b.CreateSelect(b.CreateFCmp(prefer_y, y, x), y, x);
    return b.CreateSelect(either_nan, constant(x, std::numeric_limits<double>::quiet_NaN()), chosen);
}

}  // namespace

Value* lower_op(llvm::IRBuilder<>& b, Expr node, std::span<Value* const> operands, const LoweringOptions& options) {
    namespace I = llvm::Intrinsic;
    Value* x = operands.size() > 0 ? operands[0] : nullptr;
    Value* y = operands.size() > 1 ? operands[1] : nullptr;
    Value* z = operands.size() > 2 ? operands[2] : nullptr;
    Value* zero = x ? constant(x, 0.0) : nullptr;
    const Op op = node->op();
    switch (op) {
        case Op::Const:
        case Op::Var: break;  // leaves are loaded by the caller
        case Op::Neg: return b.CreateFNeg(x);
        case Op::Pow: return power(b, node, operands, options);
        case Op::Mul: return b.CreateFMul(x, y);
        case Op::Div: return b.CreateFDiv(x, y);
        case Op::Add: return b.CreateFAdd(x, y);
        case Op::Sub: return b.CreateFSub(x, y);
        case Op::Sqrt: return b.CreateUnaryIntrinsic(I::sqrt, x);
        case Op::Cbrt: return math(b, options, op, x);
        case Op::Exp: return math(b, options, op, x, I::exp);
        case Op::Expm1: return math(b, options, op, x);
        case Op::Log: return math(b, options, op, x, I::log);
        case Op::Log1p: return math(b, options, op, x);
        case Op::Log2: return math(b, options, op, x, I::log2);
        case Op::Log10: return math(b, options, op, x, I::log10);
        case Op::Sin: return math(b, options, op, x, I::sin);
        case Op::Cos: return math(b, options, op, x, I::cos);
        case Op::Tan: return math(b, options, op, x);
        case Op::Asin: return math(b, options, op, x);
        case Op::Acos: return math(b, options, op, x);
        case Op::Atan: return math(b, options, op, x);
        case Op::Sinh: return math(b, options, op, x);
        case Op::Cosh: return math(b, options, op, x);
        case Op::Tanh: return math(b, options, op, x);
        case Op::Asinh: return math(b, options, op, x);
        case Op::Acosh: return math(b, options, op, x);
        case Op::Atanh: return math(b, options, op, x);
        case Op::Abs: return fabs(b, x);
        case Op::Sign: {
            // -1, 0 or 1, and NaN for NaN
            Value* s = b.CreateSelect(b.CreateFCmpOGT(x, zero), constant(x, 1.0),
                                      b.CreateSelect(b.CreateFCmpOLT(x, zero), constant(x, -1.0), zero));
            return b.CreateSelect(b.CreateFCmpUNO(x, x), x, s);
        }
        case Op::Floor: return b.CreateUnaryIntrinsic(I::floor, x);
        case Op::Ceil: return b.CreateUnaryIntrinsic(I::ceil, x);
        case Op::Erf: return math(b, options, op, x);
        case Op::Erfc: return math(b, options, op, x);
        case Op::Relu:  // x <= 0 ? 0 : x keeps NaN
            return b.CreateSelect(b.CreateFCmpOLE(x, zero), zero, x);
        case Op::Sigmoid: {
            // e = exp(-|x|); x >= 0 ? 1/(1+e) : e/(1+e): one exp, never overflowing
            Value* e = math(b, options, Op::Exp, b.CreateFNeg(fabs(b, x)), I::exp);
            Value* d = b.CreateFAdd(constant(x, 1.0), e);
            return b.CreateFDiv(b.CreateSelect(b.CreateFCmpOGE(x, zero), constant(x, 1.0), e), d);
        }
        case Op::Softplus: {
            // max(x, 0) + log1p(exp(-|x|)); NaN propagates through both terms
            Value* m = b.CreateSelect(b.CreateFCmpOLT(x, zero), zero, x);
            Value* e = math(b, options, Op::Exp, b.CreateFNeg(fabs(b, x)), I::exp);
            return b.CreateFAdd(m, math(b, options, Op::Log1p, e));
        }
        case Op::Atan2: return math(b, options, op, operands);
        case Op::Hypot: return math(b, options, op, operands);
        case Op::Min: return nan_propagating(b, x, y, llvm::CmpInst::FCMP_OLT);
        case Op::Max: return nan_propagating(b, x, y, llvm::CmpInst::FCMP_OGT);
        case Op::Lt: return truth(b, x, b.CreateFCmpOLT(x, y));
        case Op::Le: return truth(b, x, b.CreateFCmpOLE(x, y));
        case Op::Gt: return truth(b, x, b.CreateFCmpOGT(x, y));
        case Op::Ge: return truth(b, x, b.CreateFCmpOGE(x, y));
        case Op::Eq: return truth(b, x, b.CreateFCmpOEQ(x, y));
        case Op::Ne: return truth(b, x, b.CreateFCmpUNE(x, y));
        case Op::Where:  // NaN counts as true
            return b.CreateSelect(b.CreateFCmpUNE(x, zero), y, z);
    }
    GRADC_ASSERT(false, "lower_op called on a leaf");
    return nullptr;
}

}  // namespace gradc::codegen
