#include "codegen/c_source.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "gradc/error.hpp"
#include "gradc/print.hpp"
#include "ir/op_facts.hpp"

namespace gradc::codegen {

namespace {

// C's and C++'s keywords, and every identifier emitted code spells itself: a kernel or
// a local variable by one of these names would not compile, or would hide a function.
constexpr std::string_view kTaken[] = {
    // C99, C11 and C23 keywords
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern", "float",
    "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed", "sizeof",
    "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool", "true", "false",
    "nullptr", "alignas", "alignof", "constexpr", "static_assert", "thread_local", "typeof",
    // C++ keywords C lacks
    "and", "and_eq", "asm", "bitand", "bitor", "catch", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
    "const_cast", "consteval", "constinit", "co_await", "co_return", "co_yield", "decltype", "delete", "dynamic_cast",
    "explicit", "export", "friend", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "operator", "or",
    "or_eq", "private", "protected", "public", "reinterpret_cast", "requires", "static_cast", "template", "this",
    "throw", "try", "typeid", "typename", "using", "virtual", "wchar_t", "xor", "xor_eq",
    // what the emitted code names and includes (the C library functions it calls are
    // the op table's libm column)
    "in", "out", "params", "columns", "begin", "end", "row", "sums", "partial", "uint64_t", "math", "stdint", "stdlib",
    "malloc", "free", "main", "NULL", "INFINITY", "NAN", "EOF"};

// The partial sums of a C batch kernel go on the stack up to this size, as the JIT's do
// (row_sums.hpp), and come from malloc() beyond.
constexpr std::size_t kStackSumBytes = 256 * 1024;

bool sums_on_heap(const CKernel& kernel) {
    return kernel.kind == CKernelKind::Sum && kernel.schedule->outputs.size() * 8 * sizeof(double) > kStackSumBytes;
}

bool is_identifier(std::string_view s) {
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.empty() || !letter(s[0])) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) { return letter(c) || digit(c); });
}

// `prefix` followed by one or more digits: the names emitted code gives its temporaries.
bool numbered(std::string_view s, std::string_view prefix) {
    if (s.size() <= prefix.size() || s.substr(0, prefix.size()) != prefix) return false;
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(prefix.size()), s.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

// Upper case with an underscore (M_PI, INT_MAX, HUGE_VAL, FP_NAN): the shape of the
// macros <math.h> and <stdint.h> define, which would replace a variable of that name.
bool macro_like(std::string_view s) {
    return s.find('_') != std::string_view::npos && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
           });
}

bool taken(std::string_view s) {
    return std::find(std::begin(kTaken), std::end(kTaken), s) != std::end(kTaken) || ir::is_libm_function(s) ||
           s[0] == '_' || s.starts_with("gradc_") || macro_like(s) || numbered(s, "t") || numbered(s, "in_");
}

// The helpers emitted code may call, each written out once before the kernels.
enum class Helper : std::uint8_t { Powi, Sign, Relu, Sigmoid, Softplus, Min, Max };
constexpr std::size_t kHelperCount = 7;

constexpr std::array<std::string_view, kHelperCount> kHelperText = {
    "/* x^k for k >= 1 by repeated squaring, the order gradc's compiled kernels use\n"
    "   (1.0 * x is exactly x) */\n"
    "static inline double gradc_powi(double x, unsigned k) {\n"
    "    double result = 1.0;\n"
    "    double square = x;\n"
    "    for (;;) {\n"
    "        if (k & 1u) result = result * square;\n"
    "        k >>= 1u;\n"
    "        if (k == 0u) return result;\n"
    "        square = square * square;\n"
    "    }\n"
    "}\n",
    "/* -1, 0 or 1, and NaN for NaN */\n"
    "static inline double gradc_sign(double x) {\n"
    "    if (x != x) return x;\n"
    "    return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0);\n"
    "}\n",
    "/* max(x, 0), keeping NaN */\n"
    "static inline double gradc_relu(double x) { return x <= 0.0 ? 0.0 : x; }\n",
    "/* 1/(1 + exp(-x)), written so that exp never overflows */\n"
    "static inline double gradc_sigmoid(double x) {\n"
    "    if (x >= 0.0) return 1.0 / (1.0 + exp(-x));\n"
    "    const double z = exp(x);\n"
    "    return z / (1.0 + z);\n"
    "}\n",
    "/* log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), exact and overflow-free */\n"
    "static inline double gradc_softplus(double x) {\n"
    "    if (x != x) return x;\n"
    "    return (x < 0.0 ? 0.0 : x) + log1p(exp(-fabs(x)));\n"
    "}\n",
    "/* NaN when either operand is NaN, unlike fmin */\n"
    "static inline double gradc_min(double a, double b) { return a != a || b != b ? NAN : (b < a ? b : a); }\n",
    "/* NaN when either operand is NaN, unlike fmax */\n"
    "static inline double gradc_max(double a, double b) { return a != a || b != b ? NAN : (b > a ? b : a); }\n",
};

// A double as a C literal that reads back exactly; negative ones in parentheses so
// that they can stand as any operand.
std::string literal(double v) {
    if (std::isnan(v)) return "NAN";
    if (std::isinf(v)) return v > 0 ? "INFINITY" : "(-INFINITY)";
    std::string text = shortest_number(v);
    if (text.find_first_of(".e") == std::string::npos) text += ".0";
    return std::signbit(v) ? "(" + text + ")" : text;
}

class KernelWriter {
public:
    KernelWriter(const CKernel& kernel, const CSourceOptions& options, const std::set<std::string_view>& kernel_names,
                 std::array<bool, kHelperCount>& used)
        : kernel_(kernel), schedule_(*kernel.schedule), options_(options), used_(used), text_(schedule_.order.size()) {
        GRADC_ASSERT(kernel.input_names.size() == schedule_.input_count, "one name per kernel input");
        for (std::size_t k = 0; k < schedule_.order.size(); ++k) {
            const Expr e = schedule_.order[k];
            if (e->is_const()) text_[k] = literal(e->value());
            if (!e->is_var()) continue;
            const std::uint32_t position = schedule_.input_of[k];
            const std::string& name = kernel.input_names[position];
            const bool own = is_identifier(name) && !taken(name) && !kernel_names.contains(name);
            text_[k] = own ? name : "in_" + std::to_string(position);
        }
    }

    std::string write() { return kernel_.kind == CKernelKind::Point ? point() : sum(); }

private:
    std::string point() {
        std::string body;
        if (!load_inputs(body, "    ", "in", "", 0, schedule_.input_count)) body += "    (void)in;\n";
        for (std::size_t k = 0; k < schedule_.order.size(); ++k) define(body, "    ", k);
        for (std::size_t r = 0; r < schedule_.outputs.size(); ++r)
            body += "    out[" + std::to_string(r) + "] = " + text_[schedule_.outputs[r]] + ";\n";
        return "void " + kernel_.name + "(const double* restrict in, double* restrict out) {\n" + body + "}\n";
    }

    std::string sum() {
        const std::size_t params = kernel_.params;
        // Nodes of parameters and constants alone are the same for every row.
        std::vector<bool> invariant(schedule_.order.size(), true);
        for (std::size_t k = 0; k < schedule_.order.size(); ++k) {
            const Expr e = schedule_.order[k];
            if (e->is_var()) invariant[k] = schedule_.input_of[k] < params;
            for (int i = 0; i < e->arity(); ++i) invariant[k] = invariant[k] && invariant[schedule_.operand(k, i)];
        }
        std::string body;
        if (!load_inputs(body, "    ", "params", "", 0, params)) body += "    (void)params;\n";
        for (std::size_t k = 0; k < schedule_.order.size(); ++k)
            if (invariant[k]) define(body, "    ", k);
        // The outputs' 8 partial sums for jit.hpp's order (row begin+t into partial
        // t mod 8, then a fixed tree), as sums[t][output]: on the stack, or from malloc()
        // where they would take more stack than a thread may have. Each row adds into
        // one restrict-qualified row of them, which compilers analyse far faster than
        // an array per output.
        const std::string n = std::to_string(schedule_.outputs.size());
        const bool heap = sums_on_heap(kernel_);
        if (heap) {
            body += "    double (*sums)[" + n + "] = malloc(8u * sizeof *sums);\n";
            body += "    if (sums == NULL) { /* no memory for the sums: every output NaN */\n";
            body += "        for (uint64_t row = 0; row < " + n + "u; ++row) out[row] = NAN;\n";
            body += "        return;\n    }\n";
        } else {
            body += "    double sums[8][" + n + "];\n";
        }
        body += "    for (uint64_t row = 0; row < 8u * " + n + "u; ++row) sums[row / " + n + "u][row % " + n +
                "u] = -0.0;\n";
        std::string loop = "        double* restrict const partial = sums[(row - begin) % 8u];\n";
        if (!load_inputs(loop, "        ", "columns", "[row]", params, schedule_.input_count))
            body += "    (void)columns;\n";
        for (std::size_t k = 0; k < schedule_.order.size(); ++k)
            if (!invariant[k]) define(loop, "        ", k);
        for (std::size_t r = 0; r < schedule_.outputs.size(); ++r)
            loop += "        partial[" + std::to_string(r) + "] += " + text_[schedule_.outputs[r]] + ";\n";
        body += "    for (uint64_t row = begin; row < end; ++row) {\n" + loop + "    }\n";
        for (std::size_t r = 0; r < schedule_.outputs.size(); ++r) {
            auto at = [&](int t) { return "sums[" + std::to_string(t) + "][" + std::to_string(r) + "]"; };
            body += "    out[" + std::to_string(r) + "] = begin < end ? ((" + at(0) + " + " + at(1) + ") + (" + at(2) +
                    " + " + at(3) + ")) + ((" + at(4) + " + " + at(5) + ") + (" + at(6) + " + " + at(7) + ")) : 0.0;\n";
        }
        if (heap) body += "    free(sums);\n";
        return "void " + kernel_.name +
               "(const double* restrict params, const double* const* restrict columns, uint64_t begin, uint64_t end,\n"
               "    double* restrict out) {\n" +
               body + "}\n";
    }

    // `const double x = array[i - first]<suffix>;` for the used inputs i in [first, last),
    // in input order; false when none is used.
    bool load_inputs(std::string& out, const char* indent, std::string_view array, std::string_view suffix,
                     std::size_t first, std::size_t last) {
        std::vector<std::pair<std::uint32_t, std::size_t>> inputs;  // position, place
        for (std::size_t k = 0; k < schedule_.order.size(); ++k) {
            const std::uint32_t position = schedule_.input_of[k];
            if (position != Schedule::kNotInput && position >= first && position < last)
                inputs.emplace_back(position, k);
        }
        std::sort(inputs.begin(), inputs.end());
        for (const auto& [position, place] : inputs)
            out.append(indent)
                .append("const double ")
                .append(text_[place])
                .append(" = ")
                .append(array)
                .append("[")
                .append(std::to_string(position - first))
                .append("]")
                .append(suffix)
                .append(";\n");
        return !inputs.empty();
    }

    void define(std::string& out, const char* indent, std::size_t place) {
        const Expr e = schedule_.order[place];
        if (e->is_const() || e->is_var()) return;
        const std::string value = expression(place);
        text_[place] = "t" + std::to_string(++temporaries_);
        out.append(indent).append("const double ").append(text_[place]).append(" = ").append(value).append(";\n");
    }

    std::string call(std::string_view function, const std::string& a) { return std::string(function) + "(" + a + ")"; }
    std::string call(std::string_view function, const std::string& a, const std::string& b) {
        return std::string(function) + "(" + a + ", " + b + ")";
    }
    // The C library function the op table's libm column names for e's op.
    std::string libm(Expr e, const std::string& a) { return call(libm_name(e), a); }
    std::string libm(Expr e, const std::string& a, const std::string& b) { return call(libm_name(e), a, b); }
    static std::string_view libm_name(Expr e) {
        const std::string_view name = ir::op_facts(e->op()).libm;
        GRADC_ASSERT(!name.empty(), "the op table names a libm function for every op written as one");
        return name;
    }
    std::string helper(Helper h, const std::string& a) {
        used_[static_cast<std::size_t>(h)] = true;
        return call(name_of(h), a);
    }
    std::string helper(Helper h, const std::string& a, const std::string& b) {
        used_[static_cast<std::size_t>(h)] = true;
        return call(name_of(h), a, b);
    }
    static std::string_view name_of(Helper h) {
        switch (h) {
            case Helper::Powi: return "gradc_powi";
            case Helper::Sign: return "gradc_sign";
            case Helper::Relu: return "gradc_relu";
            case Helper::Sigmoid: return "gradc_sigmoid";
            case Helper::Softplus: return "gradc_softplus";
            case Helper::Min: return "gradc_min";
            case Helper::Max: return "gradc_max";
        }
        return "";
    }
    static std::string truth(const std::string& a, std::string_view compare, const std::string& b) {
        return a + " " + std::string(compare) + " " + b + " ? 1.0 : 0.0";
    }

    std::string power(Expr node, const std::string& a, const std::string& b) {
        const Expr exponent = node->arg(1);
        if (options_.integer_powers_by_multiplication && exponent->is_const()) {
            const double k = exponent->value();
            if (k == -1.0) return "1.0 / " + a;
            if (k >= 1.0 && k <= 16.0 && k == std::floor(k)) {
                // As lower_op's repeated squaring: x^2 = x*x, x^3 = x*(x*x), ...
                const auto n = static_cast<unsigned>(k);
                if (n == 1) return a;
                if (n == 2) return a + " * " + a;
                if (n == 3) return a + " * (" + a + " * " + a + ")";
                return helper(Helper::Powi, a, std::to_string(n) + "u");
            }
        }
        return libm(node, a, b);
    }

    // The C expression of an interior node, its operands already named.
    std::string expression(std::size_t place) {
        const Expr e = schedule_.order[place];
        static const std::string none;
        const std::string& a = e->arity() > 0 ? text_[schedule_.operand(place, 0)] : none;
        const std::string& b = e->arity() > 1 ? text_[schedule_.operand(place, 1)] : none;
        const std::string& c = e->arity() > 2 ? text_[schedule_.operand(place, 2)] : none;
        switch (e->op()) {
            case Op::Const:
            case Op::Var: break;  // named, never defined
            case Op::Neg: return "-" + a;
            case Op::Pow: return power(e, a, b);
            case Op::Mul: return a + " * " + b;
            case Op::Div: return a + " / " + b;
            case Op::Add: return a + " + " + b;
            case Op::Sub: return a + " - " + b;
            case Op::Sqrt: return libm(e, a);
            case Op::Cbrt: return libm(e, a);
            case Op::Exp: return libm(e, a);
            case Op::Expm1: return libm(e, a);
            case Op::Log: return libm(e, a);
            case Op::Log1p: return libm(e, a);
            case Op::Log2: return libm(e, a);
            case Op::Log10: return libm(e, a);
            case Op::Sin: return libm(e, a);
            case Op::Cos: return libm(e, a);
            case Op::Tan: return libm(e, a);
            case Op::Asin: return libm(e, a);
            case Op::Acos: return libm(e, a);
            case Op::Atan: return libm(e, a);
            case Op::Sinh: return libm(e, a);
            case Op::Cosh: return libm(e, a);
            case Op::Tanh: return libm(e, a);
            case Op::Asinh: return libm(e, a);
            case Op::Acosh: return libm(e, a);
            case Op::Atanh: return libm(e, a);
            case Op::Abs: return libm(e, a);
            case Op::Sign: return helper(Helper::Sign, a);
            case Op::Floor: return libm(e, a);
            case Op::Ceil: return libm(e, a);
            case Op::Erf: return libm(e, a);
            case Op::Erfc: return libm(e, a);
            case Op::Relu: return helper(Helper::Relu, a);
            case Op::Sigmoid: return helper(Helper::Sigmoid, a);
            case Op::Softplus: return helper(Helper::Softplus, a);
            case Op::Atan2: return libm(e, a, b);
            case Op::Hypot: return libm(e, a, b);
            case Op::Min: return helper(Helper::Min, a, b);
            case Op::Max: return helper(Helper::Max, a, b);
            case Op::Lt: return truth(a, "<", b);
            case Op::Le: return truth(a, "<=", b);
            case Op::Gt: return truth(a, ">", b);
            case Op::Ge: return truth(a, ">=", b);
            case Op::Eq: return truth(a, "==", b);
            case Op::Ne: return truth(a, "!=", b);
            case Op::Where: return a + " != 0.0 ? " + b + " : " + c;  // NaN counts as true
        }
        GRADC_ASSERT(false, "a leaf has no C expression");
        return "";
    }

    const CKernel& kernel_;
    const Schedule& schedule_;
    const CSourceOptions& options_;
    std::array<bool, kHelperCount>& used_;
    std::vector<std::string> text_;  // per place: a literal, an input's local or a temporary
    std::size_t temporaries_ = 0;
};

}  // namespace

std::string c_source(std::span<const CKernel> kernels, const CSourceOptions& options) {
    std::set<std::string_view> names;
    for (const CKernel& k : kernels) names.insert(k.name);
    std::array<bool, kHelperCount> used{};
    std::string definitions;
    for (const CKernel& k : kernels) {
        GRADC_ASSERT(c_name_problem(k.name).empty(), "kernel names are checked before C is written");
        definitions += "\n" + KernelWriter(k, options, names, used).write();
    }
    std::string helpers;
    for (std::size_t h = 0; h < kHelperCount; ++h)
        if (used[h]) helpers.append("\n").append(kHelperText[h]);
    std::string includes;
    for (const std::string& header : c_headers(kernels)) includes += "#include <" + header + ">\n";
    return includes + helpers + definitions;
}

std::vector<std::string> c_headers(std::span<const CKernel> kernels) {
    std::vector<std::string> headers = {"math.h", "stdint.h"};
    if (std::any_of(kernels.begin(), kernels.end(), sums_on_heap)) headers.emplace_back("stdlib.h");
    return headers;
}

std::string c_name_problem(std::string_view name) {
    if (!is_identifier(name)) return "is not a C identifier: use letters, digits and '_', not starting with a digit";
    if (taken(name)) return "is already used by C, C++ or the emitted code: choose another";
    return "";
}

}  // namespace gradc::codegen
