// The op table's facts and the scalar semantics every layer shares (see expr.hpp).
#include <array>
#include <cmath>
#include <limits>

#include "gradc/expr.hpp"

namespace gradc {

namespace {

constexpr std::array<OpInfo, kOpCount> kOpInfo = {{
#define GRADC_OP(name, spelling, arity, form, commutative, latex, ...) \
    {spelling, arity, OpForm::form, commutative, latex},
#include "gradc/ops.def"
#undef GRADC_OP
}};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double truth(bool b) { return b ? 1.0 : 0.0; }

double sign(double x) {
    if (std::isnan(x)) return x;
    return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
}

// sigmoid(x) = 1/(1+exp(-x)), written so that exp never overflows.
double sigmoid(double x) {
    if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
    const double z = std::exp(x);
    return z / (1.0 + z);
}

// softplus(x) = log(1+exp(x)) = max(x,0) + log1p(exp(-|x|)), exact and overflow-free.
double softplus(double x) {
    if (std::isnan(x)) return x;
    return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
}

double nan_min(double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : (b < a ? b : a); }
double nan_max(double a, double b) { return std::isnan(a) || std::isnan(b) ? kNaN : (b > a ? b : a); }

}  // namespace

const OpInfo& op_info(Op op) noexcept { return kOpInfo[static_cast<std::size_t>(op)]; }

double apply_op(Op op, double a, double b, double c) noexcept {
    switch (op) {
        case Op::Const:
        case Op::Var: return kNaN;  // leaves carry their own value
        case Op::Neg: return -a;
        case Op::Pow: return std::pow(a, b);
        case Op::Mul: return a * b;
        case Op::Div: return a / b;
        case Op::Add: return a + b;
        case Op::Sub: return a - b;
        case Op::Sqrt: return std::sqrt(a);
        case Op::Cbrt: return std::cbrt(a);
        case Op::Exp: return std::exp(a);
        case Op::Expm1: return std::expm1(a);
        case Op::Log: return std::log(a);
        case Op::Log1p: return std::log1p(a);
        case Op::Log2: return std::log2(a);
        case Op::Log10: return std::log10(a);
        case Op::Sin: return std::sin(a);
        case Op::Cos: return std::cos(a);
        case Op::Tan: return std::tan(a);
        case Op::Asin: return std::asin(a);
        case Op::Acos: return std::acos(a);
        case Op::Atan: return std::atan(a);
        case Op::Sinh: return std::sinh(a);
        case Op::Cosh: return std::cosh(a);
        case Op::Tanh: return std::tanh(a);
        case Op::Asinh: return std::asinh(a);
        case Op::Acosh: return std::acosh(a);
        case Op::Atanh: return std::atanh(a);
        case Op::Abs: return std::fabs(a);
        case Op::Sign: return sign(a);
        case Op::Floor: return std::floor(a);
        case Op::Ceil: return std::ceil(a);
        case Op::Erf: return std::erf(a);
        case Op::Relu: return a > 0 ? a : (a <= 0 ? 0.0 : a);  // NaN stays NaN
        case Op::Sigmoid: return sigmoid(a);
        case Op::Softplus: return softplus(a);
        case Op::Atan2: return std::atan2(a, b);
        case Op::Hypot: return std::hypot(a, b);
        case Op::Min: return nan_min(a, b);
        case Op::Max: return nan_max(a, b);
        case Op::Lt: return truth(a < b);
        case Op::Le: return truth(a <= b);
        case Op::Gt: return truth(a > b);
        case Op::Ge: return truth(a >= b);
        case Op::Eq: return truth(a == b);
        case Op::Ne: return truth(a != b);
        case Op::Where: return a != 0.0 ? b : c;
        case Op::Erfc: return std::erfc(a);
    }
    return kNaN;
}

}  // namespace gradc
