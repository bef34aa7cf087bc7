// LaTeX math for reading: \frac, \sqrt, x^{2}, \sin\left(x\right), cases for where.
//
// The structure is kept exactly (nothing is reassociated, so `a + (b + c)` keeps its
// parentheses), but the text need not parse back: fractions are self-delimiting and
// shared subexpressions are written out at each use. The latter can grow exponentially
// in the DAG's size, so output is capped and the message points at the printers that
// name shared parts instead.
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/print.hpp"
#include "ir/latex_names.hpp"
#include "ir/precedence.hpp"

namespace gradc {

namespace {

using ir::op_precedence;
using enum ir::Prec;

constexpr std::size_t kMaxLatexBytes = std::size_t{16} << 20;

struct LatexNumber {
    std::string text;
    int prec = kAtom;
    bool starts_with_digit = false;
};

// 1.5e-07 -> 1.5 \cdot 10^{-7}; the named constants as symbols.
LatexNumber latex_number(double v) {
    if (std::isnan(v)) return {"\\mathrm{NaN}", kAtom, false};
    if (std::isinf(v)) return v > 0 ? LatexNumber{"\\infty", kAtom, false} : LatexNumber{"-\\infty", kUnary, false};
    std::string text = format_number(v);
    const bool negative = std::signbit(v);
    const std::string_view digits = std::string_view(text).substr(negative ? 1 : 0);
    if (digits == "pi") return {negative ? "-\\pi" : "\\pi", negative ? kUnary : kAtom, false};
    if (digits == "e") return {text, negative ? kUnary : kAtom, false};
    const std::size_t exp_at = digits.find('e');
    if (exp_at == std::string_view::npos) return {text, negative ? kUnary : kAtom, !negative};
    const std::string_view mantissa = digits.substr(0, exp_at);
    std::string_view exponent = digits.substr(exp_at + 1);
    const bool exponent_negative = exponent.front() == '-';
    exponent.remove_prefix(1);  // to_chars always writes the exponent's sign
    while (exponent.size() > 1 && exponent.front() == '0') exponent.remove_prefix(1);
    LatexNumber n;
    n.text = negative ? "-" : "";
    if (mantissa != "1") {
        n.text += mantissa;
        n.text += " \\cdot ";
    }
    n.text += "10^{";
    if (exponent_negative) n.text += '-';
    n.text += exponent;
    n.text += '}';
    n.prec = negative ? (mantissa != "1" ? kProduct : kUnary) : (mantissa != "1" ? kProduct : kPower);
    n.starts_with_digit = !negative;
    return n;
}

bool is_greek(std::string_view s) {
    static constexpr std::array<std::string_view, 35> kGreek = {
        "alpha", "beta",  "gamma",  "delta", "epsilon", "zeta",  "eta",     "theta", "iota", "kappa", "lambda", "mu",
        "nu",    "xi",    "pi",     "rho",   "sigma",   "tau",   "upsilon", "phi",   "chi",  "psi",   "omega",  "Gamma",
        "Delta", "Theta", "Lambda", "Xi",    "Pi",      "Sigma", "Upsilon", "Phi",   "Psi",  "Omega", "varphi"};
    for (std::string_view g : kGreek)
        if (g == s) return true;
    return false;
}

void append_escaped(std::string& out, std::string_view s) {
    for (char ch : s) {
        switch (ch) {
            case '_':
            case '#':
            case '$':
            case '%':
            case '&':
            case '{':
            case '}':
                out += '\\';
                out += ch;
                break;
            case '\\': out += "\\backslash{}"; break;
            case '^': out += "\\hat{}"; break;
            case '~': out += "\\sim{}"; break;
            default: out += ch;
        }
    }
}

void append_word(std::string& out, std::string_view word) {
    if (is_greek(word)) {
        out += '\\';
        out += word;
    } else if (word.size() == 1) {
        append_escaped(out, word);
    } else {
        out += "\\mathit{";
        append_escaped(out, word);
        out += '}';
    }
}

// LaTeX differs from infix in three forms: \frac and exp's e^{x} need no parentheses
// around them, and numbers in scientific form read as products.
int precedence(Expr e) {
    if (e->is_const()) return latex_number(e->value()).prec;
    if (e->op() == Op::Div) return kAtom;
    if (e->op() == Op::Exp) return kPower;
    return op_precedence(e->op());
}

bool needs_parens(Expr parent, int slot, Expr child);

// Whether the text of `e` begins with '-'. Only walks left operands that are not
// parenthesized, which stay within one precedence level, so the walk is short.
bool leads_minus(Expr e) {
    for (;;) {
        if (e->op() == Op::Neg) return true;
        if (e->is_const()) return std::signbit(e->value()) && !std::isnan(e->value());
        const Op op = e->op();
        const bool binary = op_info(op).form == OpForm::Infix && op != Op::Pow;
        if (!binary || needs_parens(e, 0, e->arg(0))) return false;
        e = e->arg(0);
    }
}

bool needs_parens(Expr parent, int slot, Expr child) {
    const int p = precedence(child);
    switch (op_info(parent->op()).form) {
        case OpForm::Leaf:
        case OpForm::Call: return false;  // a call's operands stand between delimiters
        case OpForm::Prefix: return p < kPower;
        case OpForm::Infix: break;
    }
    if (parent->op() == Op::Pow) {
        if (slot == 1) return false;  // the exponent is braced
        return p < kAtom || child->op() == Op::Div || child->op() == Op::Where;
    }
    if (parent->op() == Op::Div) return false;  // \frac{}{} braces both
    const int own = precedence(parent);
    if (slot == 0) return p < (own == kCompare ? kSum : own);
    return p <= own || (own != kCompare && leads_minus(child));
}

// `2 x` but `x \cdot 2^{y}`: juxtaposing two numbers would read as one.
bool starts_with_digit(Expr e) {
    if (e->op() == Op::Pow && !needs_parens(e, 0, e->arg(0))) e = e->arg(0);
    return e->is_const() && latex_number(e->value()).starts_with_digit;
}

class LatexWriter {
public:
    std::string write(Expr root) {
        stack_.push_back({root, {}, false});
        while (!stack_.empty()) {
            const Task task = stack_.back();
            stack_.pop_back();
            if (task.node == nullptr)
                append(task.text);
            else
                expand(task.node, task.parens);
            if (out_.size() > kMaxLatexBytes)
                throw LimitError(
                    "LaTeX output would exceed 16 MB: the expression repeats shared "
                    "subexpressions that LaTeX writes out at every use; print it as DOT or "
                    "infix text instead, which name each shared part once");
        }
        return std::move(out_);
    }

private:
    struct Task {
        Expr node;  // nullptr: write `text`
        std::string_view text;
        bool parens = false;
    };

    void append(std::string_view s) { out_ += s; }
    void text(std::string_view s) { stack_.push_back({nullptr, s}); }
    void operand(Expr parent, int slot) {
        stack_.push_back({parent->arg(slot), {}, needs_parens(parent, slot, parent->arg(slot))});
    }
    void bare(Expr e) { stack_.push_back({e, {}, false}); }

    // `\name\left(a, b\right)`, pushed in reverse because the stack pops last first.
    void call(Expr e, std::string_view command) {
        append(command);
        append("\\left(");
        text("\\right)");
        for (int i = e->arity() - 1; i >= 0; --i) {
            bare(e->arg(i));
            if (i > 0) text(", ");
        }
    }

    void delimited(Expr e, std::string_view open, std::string_view close) {
        append(open);
        text(close);
        bare(e->arg(0));
    }

    void binary(Expr e, std::string_view separator) {
        operand(e, 1);
        text(separator);
        operand(e, 0);
    }

    // A comparison, spelt as the op table's LaTeX column says (\le, \ne, ...).
    void relation(Expr e) {
        operand(e, 1);
        text(" ");
        text(op_info(e->op()).latex);  // static storage: safe to keep as a view
        text(" ");
        operand(e, 0);
    }

    void expand(Expr e, bool parens) {
        if (parens) {
            append("\\left(");
            text("\\right)");
        }
        const Op op = e->op();
        switch (op) {
            case Op::Const: append(latex_number(e->value()).text); break;
            case Op::Var: ir::append_latex_variable(out_, e->name()); break;
            case Op::Neg:
                append("-");
                operand(e, 0);
                break;
            case Op::Pow:
                text("}");
                bare(e->arg(1));
                text("^{");
                operand(e, 0);
                break;
            case Op::Mul:
                binary(e, !needs_parens(e, 1, e->arg(1)) && starts_with_digit(e->arg(1)) ? " \\cdot " : " ");
                break;
            case Op::Div:
                append("\\frac{");
                text("}");
                bare(e->arg(1));
                text("}{");
                bare(e->arg(0));
                break;
            case Op::Add: binary(e, " + "); break;
            case Op::Sub: binary(e, " - "); break;
            case Op::Sqrt: delimited(e, "\\sqrt{", "}"); break;
            case Op::Cbrt: delimited(e, "\\sqrt[3]{", "}"); break;
            case Op::Exp: delimited(e, "e^{", "}"); break;
            case Op::Abs: delimited(e, "\\left|", "\\right|"); break;
            case Op::Floor: delimited(e, "\\left\\lfloor ", " \\right\\rfloor"); break;
            case Op::Ceil: delimited(e, "\\left\\lceil ", " \\right\\rceil"); break;
            case Op::Expm1:
            case Op::Log:
            case Op::Log1p:
            case Op::Log2:
            case Op::Log10:
            case Op::Sin:
            case Op::Cos:
            case Op::Tan:
            case Op::Asin:
            case Op::Acos:
            case Op::Atan:
            case Op::Sinh:
            case Op::Cosh:
            case Op::Tanh:
            case Op::Asinh:
            case Op::Acosh:
            case Op::Atanh:
            case Op::Sign:
            case Op::Erf:
            case Op::Erfc:
            case Op::Relu:
            case Op::Sigmoid:
            case Op::Softplus:
            case Op::Atan2:
            case Op::Hypot:
            case Op::Min:
            case Op::Max: call(e, op_info(op).latex); break;
            case Op::Lt:
            case Op::Le:
            case Op::Gt:
            case Op::Ge:
            case Op::Eq:
            case Op::Ne: relation(e); break;
            case Op::Where:
                append("\\begin{cases}");
                text(" & \\text{otherwise}\\end{cases}");
                bare(e->arg(2));
                text(" \\\\ ");
                bare(e->arg(0));
                text(" & \\text{if } ");
                bare(e->arg(1));
                break;
        }
    }

    std::string out_;
    std::vector<Task> stack_;
};

}  // namespace

// theta_1 -> \theta_{1}, x2 -> x_{2}, lr -> \mathit{lr}.
void ir::append_latex_variable(std::string& out, std::string_view name) {
    std::size_t split = name.find('_');
    std::size_t sub_at = split + 1;
    if (split == std::string_view::npos) {
        split = name.size();
        while (split > 1 && name[split - 1] >= '0' && name[split - 1] <= '9') --split;
        sub_at = split;
    }
    if (split == 0 || sub_at >= name.size()) {
        append_word(out, name);
        return;
    }
    append_word(out, name.substr(0, split));
    out += "_{";
    append_word(out, name.substr(sub_at));
    out += '}';
}

std::string to_latex(Expr e) { return LatexWriter().write(e); }

}  // namespace gradc
