#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/expr.hpp"
#include "gradc/print.hpp"

using namespace gradc;

namespace {

struct Vars {
    ExprContext& ctx;
    Expr a = ctx.variable("a"), b = ctx.variable("b"), c = ctx.variable("c");
    Expr x = ctx.variable("x"), y = ctx.variable("y"), z = ctx.variable("z");
    Expr k(double v) { return ctx.constant(v); }
    Expr f(Op op, Expr e) { return ctx.make(op, e); }
};

// Deepest nesting of parentheses in `text`.
std::size_t paren_depth(const std::string& text) {
    std::size_t depth = 0, deepest = 0;
    for (char ch : text) {
        if (ch == '(') deepest = std::max(deepest, ++depth);
        if (ch == ')') --depth;
    }
    return deepest;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

}  // namespace

TEST_CASE("format_number writes the shortest exact text", "[print]") {
    CHECK(format_number(0.1) == "0.1");
    CHECK(format_number(2) == "2");
    CHECK(format_number(-2) == "-2");
    CHECK(format_number(2.5) == "2.5");
    CHECK(format_number(1e-300) == "1e-300");
    CHECK(format_number(1e300) == "1e+300");
    CHECK(format_number(1e21) == "1e+21");
    CHECK(format_number(123456) == "123456");
    CHECK(format_number(0.1 + 0.2) == "0.30000000000000004");
    CHECK(format_number(5e-324) == "5e-324");
    CHECK(format_number(0.0) == "0");
    CHECK(format_number(-0.0) == "-0");
    CHECK(format_number(std::numeric_limits<double>::infinity()) == "inf");
    CHECK(format_number(-std::numeric_limits<double>::infinity()) == "-inf");
    CHECK(format_number(std::numeric_limits<double>::quiet_NaN()) == "nan");
    CHECK(format_number(std::numbers::pi) == "pi");
    CHECK(format_number(-std::numbers::pi) == "-pi");
    CHECK(format_number(std::numbers::e) == "e");
    CHECK(format_number(std::nextafter(std::numbers::pi, 4.0)) == "3.1415926535897936");
}

TEST_CASE("format_number reads back exactly", "[print]") {
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::uint64_t> bits;
    for (int i = 0; i < 20000; ++i) {
        const double v = std::bit_cast<double>(bits(rng));
        if (!std::isfinite(v)) continue;
        const std::string text = format_number(v);
        INFO(text);
        REQUIRE(std::bit_cast<std::uint64_t>(std::strtod(text.c_str(), nullptr)) == std::bit_cast<std::uint64_t>(v));
    }
}

TEST_CASE("infix keeps associativity with minimal parentheses", "[print]") {
    ExprContext ctx;
    Vars v{ctx};
    CHECK(to_infix(ctx.sub(ctx.sub(v.a, v.b), v.c)) == "a - b - c");
    CHECK(to_infix(ctx.sub(v.a, ctx.sub(v.b, v.c))) == "a - (b - c)");
    // A chain of the same commutative op is put on the left, so it needs no parentheses.
    CHECK(to_infix(ctx.add(v.a, ctx.add(v.b, v.c))) == "b + c + a");
    CHECK(to_infix(ctx.add(ctx.add(v.a, v.b), v.c)) == "a + b + c");
    CHECK(to_infix(ctx.add(ctx.add(v.a, v.b), ctx.add(v.c, v.x))) == "a + b + (c + x)");
    CHECK(to_infix(ctx.div(v.a, ctx.mul(v.b, v.c))) == "a/(b*c)");
    CHECK(to_infix(ctx.mul(ctx.div(v.a, v.b), v.f(Op::Sin, v.c))) == "a/b*sin(c)");
    CHECK(to_infix(ctx.div(ctx.mul(v.a, v.b), v.c)) == "a*b/c");
    CHECK(to_infix(ctx.div(ctx.div(v.a, v.b), v.c)) == "a/b/c");
    CHECK(to_infix(ctx.div(v.a, ctx.div(v.b, v.c))) == "a/(b/c)");
    CHECK(to_infix(ctx.mul(v.a, ctx.add(v.b, v.c))) == "a*(b + c)");
    CHECK(to_infix(ctx.add(v.a, ctx.mul(v.b, v.c))) == "a + b*c");
    CHECK(to_infix(ctx.sub(ctx.mul(v.a, v.b), v.c)) == "a*b - c");
}

TEST_CASE("infix places unary minus and powers as the grammar reads them", "[print]") {
    ExprContext ctx;
    Vars v{ctx};
    CHECK(to_infix(ctx.neg(ctx.pow(v.x, v.k(2)))) == "-x^2");
    CHECK(to_infix(ctx.pow(ctx.neg(v.x), v.k(2))) == "(-x)^2");
    CHECK(to_infix(ctx.pow(v.x, ctx.pow(v.y, v.z))) == "x^y^z");
    CHECK(to_infix(ctx.pow(ctx.pow(v.x, v.y), v.z)) == "(x^y)^z");
    CHECK(to_infix(ctx.pow(v.k(2), ctx.neg(v.x))) == "2^-x");
    CHECK(to_infix(ctx.pow(v.k(2), ctx.neg(v.f(Op::Sin, v.x)))) == "2^-sin(x)");
    CHECK(to_infix(ctx.pow(v.x, ctx.neg(ctx.pow(v.y, v.z)))) == "x^(-y^z)");
    CHECK(to_infix(ctx.pow(v.x, ctx.mul(v.a, v.b))) == "x^(a*b)");
    CHECK(to_infix(ctx.neg(ctx.mul(v.a, v.b))) == "-(a*b)");
    CHECK(to_infix(ctx.mul(ctx.neg(v.a), v.f(Op::Sin, v.b))) == "-a*sin(b)");
    CHECK(to_infix(ctx.mul(v.b, ctx.neg(v.a))) == "b*(-a)");
    CHECK(to_infix(ctx.neg(ctx.neg(v.x))) == "-(-x)");
    CHECK(to_infix(ctx.sub(v.a, ctx.neg(v.b))) == "a - (-b)");
    CHECK(to_infix(ctx.add(v.a, ctx.neg(v.b))) == "a + (-b)");
    CHECK(to_infix(ctx.sub(ctx.neg(v.a), v.b)) == "-a - b");
    CHECK(to_infix(ctx.neg(ctx.sub(v.a, v.b))) == "-(a - b)");
    CHECK(to_infix(ctx.pow(v.f(Op::Sin, v.x), v.k(2))) == "sin(x)^2");
}

TEST_CASE("infix writes negative constants like a unary minus", "[print]") {
    ExprContext ctx;
    Vars v{ctx};
    Expr m2 = v.k(-2);
    CHECK(to_infix(m2) == "-2");
    CHECK(to_infix(ctx.add(v.x, m2)) == "-2 + x");
    CHECK(to_infix(ctx.sub(v.x, m2)) == "x - (-2)");
    CHECK(to_infix(ctx.sub(m2, v.x)) == "-2 - x");
    CHECK(to_infix(ctx.mul(m2, v.x)) == "-2*x");
    CHECK(to_infix(ctx.div(v.x, m2)) == "x/(-2)");
    CHECK(to_infix(ctx.div(m2, v.x)) == "-2/x");
    CHECK(to_infix(ctx.pow(m2, v.x)) == "(-2)^x");
    CHECK(to_infix(ctx.pow(v.x, m2)) == "x^-2");
    CHECK(to_infix(ctx.pow(v.x, v.k(-0.5))) == "x^-0.5");
    CHECK(to_infix(ctx.make(Op::Lt, v.x, m2)) == "x < -2");
    CHECK(to_infix(ctx.make(Op::Lt, m2, v.x)) == "-2 < x");
    CHECK(to_infix(ctx.make(Op::Atan2, v.x, m2)) == "atan2(x, -2)");
    CHECK(to_infix(ctx.sub(v.a, ctx.mul(m2, v.b))) == "a - (-2*b)");
    CHECK(to_infix(ctx.pow(v.k(-std::numbers::pi), v.x)) == "(-pi)^x");
    CHECK(to_infix(ctx.mul(v.k(-0.0), v.x)) == "-0*x");
    CHECK(to_infix(ctx.add(v.x, v.k(-std::numeric_limits<double>::infinity()))) == "-inf + x");
    CHECK(to_infix(ctx.add(v.x, v.k(std::numeric_limits<double>::quiet_NaN()))) == "nan + x");
}

TEST_CASE("infix spacing and calls", "[print]") {
    ExprContext ctx;
    Vars v{ctx};
    Expr x2 = ctx.pow(v.x, v.k(2));
    CHECK(to_infix(ctx.mul(x2, v.f(Op::Sin, v.y))) == "x^2*sin(y)");
    CHECK(to_infix(ctx.sub(ctx.mul(x2, v.f(Op::Cos, v.y)), v.k(3))) == "x^2*cos(y) - 3");
    CHECK(to_infix(ctx.make(Op::Atan2, v.y, v.x)) == "atan2(y, x)");
    Expr w = ctx.make(Op::Where, ctx.make(Op::Gt, v.x, v.k(0)), v.f(Op::Sqrt, v.x), v.k(0));
    CHECK(to_infix(w) == "where(x > 0, sqrt(x), 0)");
    CHECK(to_infix(ctx.make(Op::Le, ctx.add(v.x, v.k(1)), v.y)) == "1 + x <= y");
    CHECK(to_infix(ctx.make(Op::Lt, ctx.make(Op::Lt, v.a, v.b), v.c)) == "(a < b) < c");
    CHECK(to_infix(ctx.make(Op::Ge, v.a, ctx.make(Op::Ne, v.b, v.c))) == "a >= (b != c)");
    CHECK(to_infix(ctx.add(ctx.make(Op::Eq, v.a, v.b), v.c)) == "c + (a == b)");
    CHECK(to_infix(ctx.pow(v.x, ctx.make(Op::Lt, v.a, v.b))) == "x^(a < b)");
    const Expr outs[] = {ctx.add(v.x, v.y), v.f(Op::Sin, v.x)};
    CHECK(to_infix(outs) == "x + y, sin(x)");
}

TEST_CASE("shared subexpressions print once as bindings", "[print]") {
    ExprContext ctx;
    Vars v{ctx};
    // Small shared parts stay inline.
    Expr s = ctx.add(v.x, v.y);
    CHECK(to_infix(ctx.mul(s, s)) == "(x + y)*(x + y)");

    // 60 squarings: 62 nodes, 2^60 leaves as a tree.
    Expr t = ctx.mul(v.x, v.y);
    for (int i = 0; i < 60; ++i) t = ctx.mul(t, t);
    const std::string text = to_infix(t);
    CHECK(text.size() < 2000);
    CHECK(text.rfind("t1 = ", 0) == 0);

    PrintOptions every_shared;
    every_shared.share_above = 1;
    Expr p = ctx.mul(v.y, v.f(Op::Sin, v.x));
    Expr q = ctx.add(v.k(1), p);
    const Expr outs[] = {ctx.mul(p, q), q};
    CHECK(to_infix(outs, every_shared) == "t1 = y*sin(x); t2 = 1 + t1; t1*t2, t2");
}

TEST_CASE("binding names skip the expression's variable names", "[print]") {
    ExprContext ctx;
    Expr t1 = ctx.variable("t1"), t3 = ctx.variable("t3");
    Expr shared = ctx.make(Op::Sin, ctx.mul(t1, t3));
    Expr u = ctx.add(shared, ctx.make(Op::Cos, shared));
    Expr w = ctx.add(u, ctx.mul(u, t1));
    PrintOptions every_shared;
    every_shared.share_above = 1;
    CHECK(to_infix(w, every_shared) == "t2 = sin(t1*t3); t4 = t2 + cos(t2); t4 + t1*t4");
}

TEST_CASE("deep nesting is bound to names to stay parseable", "[print]") {
    ExprContext ctx;
    Vars v{ctx};
    Expr e = v.x;
    for (int i = 0; i < 200; ++i) e = ctx.add(v.k(1), v.f(Op::Cos, ctx.mul(v.y, e)));
    PrintOptions shallow;
    shallow.max_nesting = 5;
    const std::string text = to_infix(e, shallow);
    CHECK(paren_depth(text) <= 5);
    CHECK(count(text, " = ") > 10);
    CHECK(paren_depth(to_infix(e)) <= 64);
}

TEST_CASE("a million-deep chain prints iteratively in linear size", "[print]") {
    ExprContext ctx;
    Expr e = ctx.variable("x");
    constexpr std::size_t kDepth = 1'000'000;
    for (std::size_t i = 0; i < kDepth; ++i) e = ctx.make(Op::Sin, e);

    const std::string bound = to_infix(e);
    CHECK(paren_depth(bound) <= 64);
    CHECK(bound.size() < 8 * kDepth);
    CHECK(count(bound, "sin(") == kDepth);

    PrintOptions unbounded;
    unbounded.max_nesting = 2 * kDepth;
    const std::string flat = to_infix(e, unbounded);
    CHECK(flat.size() == 5 * kDepth + 1);
    CHECK(flat.substr(0, 8) == "sin(sin(");
    CHECK(flat[4 * kDepth] == 'x');
    CHECK(paren_depth(flat) == kDepth);
}

TEST_CASE("LaTeX goldens", "[print]") {
    ExprContext ctx;
    Vars v{ctx};
    CHECK(to_latex(ctx.div(v.x, v.y)) == "\\frac{x}{y}");
    CHECK(to_latex(v.f(Op::Sqrt, v.x)) == "\\sqrt{x}");
    CHECK(to_latex(v.f(Op::Cbrt, v.x)) == "\\sqrt[3]{x}");
    CHECK(to_latex(ctx.pow(v.x, v.k(2))) == "x^{2}");
    CHECK(to_latex(ctx.mul(v.k(2), v.x)) == "2 x");
    CHECK(to_latex(ctx.mul(v.k(2), ctx.pow(v.k(3), v.x))) == "2 \\cdot 3^{x}");
    CHECK(to_latex(ctx.mul(ctx.pow(v.x, v.k(2)), v.f(Op::Sin, v.y))) == "x^{2} \\sin\\left(y\\right)");
    CHECK(to_latex(v.f(Op::Abs, v.x)) == "\\left|x\\right|");
    CHECK(to_latex(v.f(Op::Floor, v.x)) == "\\left\\lfloor x \\right\\rfloor");
    CHECK(to_latex(v.f(Op::Ceil, v.x)) == "\\left\\lceil x \\right\\rceil");
    CHECK(to_latex(v.f(Op::Exp, v.x)) == "e^{x}");
    CHECK(to_latex(v.f(Op::Log, v.x)) == "\\ln\\left(x\\right)");
    CHECK(to_latex(v.f(Op::Erf, v.x)) == "\\operatorname{erf}\\left(x\\right)");
    CHECK(to_latex(v.f(Op::Erfc, v.x)) == "\\operatorname{erfc}\\left(x\\right)");
    CHECK(to_latex(ctx.make(Op::Atan2, v.y, v.x)) == "\\operatorname{atan2}\\left(y, x\\right)");
    CHECK(to_latex(ctx.make(Op::Le, v.x, v.y)) == "x \\le y");
    CHECK(to_latex(ctx.make(Op::Ne, v.x, v.y)) == "x \\ne y");
    Expr w = ctx.make(Op::Where, ctx.make(Op::Gt, v.x, v.k(0)), v.f(Op::Sqrt, v.x), v.k(0));
    CHECK(to_latex(w) == "\\begin{cases}\\sqrt{x} & \\text{if } x > 0 \\\\ 0 & \\text{otherwise}\\end{cases}");
    CHECK(to_latex(ctx.neg(ctx.add(v.a, v.b))) == "-\\left(a + b\\right)");
    CHECK(to_latex(ctx.pow(ctx.div(v.a, v.b), v.k(2))) == "\\left(\\frac{a}{b}\\right)^{2}");
    CHECK(to_latex(ctx.sub(v.a, ctx.sub(v.b, v.c))) == "a - \\left(b - c\\right)");
    CHECK(to_latex(ctx.mul(v.k(1.5e-7), v.x)) == "1.5 \\cdot 10^{-7} x");
    CHECK(to_latex(ctx.mul(v.k(1e21), v.x)) == "10^{21} x");
    CHECK(to_latex(ctx.mul(v.k(std::numbers::pi), v.x)) == "\\pi x");
    CHECK(to_latex(ctx.variable("theta_1")) == "\\theta_{1}");
    CHECK(to_latex(ctx.variable("w2")) == "w_{2}");
    CHECK(to_latex(ctx.variable("lr")) == "\\mathit{lr}");
}

TEST_CASE("LaTeX refuses exponential output with a way out", "[print]") {
    ExprContext ctx;
    Expr t = ctx.mul(ctx.variable("x"), ctx.variable("y"));
    for (int i = 0; i < 60; ++i) t = ctx.mul(t, t);
    CHECK_THROWS_AS(to_latex(t), LimitError);
    CHECK_THROWS_WITH(to_latex(t), Catch::Contains("DOT"));
}

TEST_CASE("LaTeX of a deep chain does not recurse", "[print]") {
    ExprContext ctx;
    Expr e = ctx.variable("x");
    for (int i = 0; i < 100'000; ++i) e = ctx.make(Op::Sqrt, e);
    CHECK(to_latex(e).size() == 7 * 100'000 + 1);
}

TEST_CASE("DOT has one node per DAG node", "[print]") {
    ExprContext ctx;
    Vars v{ctx};
    Expr t = ctx.mul(v.x, v.y);
    for (int i = 0; i < 60; ++i) t = ctx.mul(t, t);
    Expr quoted = ctx.variable("a\"b");
    const Expr outs[] = {t, ctx.sub(quoted, v.x)};
    const std::string dot = to_dot(outs);
    CHECK(dot.rfind("digraph gradc {\n", 0) == 0);
    CHECK(count(dot, ", shape=") == topological_order(outs).size() + 2);  // DAG nodes plus out0, out1
    CHECK(count(dot, "peripheries=2") == 2);
    CHECK(count(dot, "out1 -> ") == 1);
    CHECK(count(dot, "[label=\"a\\\"b\"") == 1);
    CHECK(count(dot, "[label=\"0\"]") == 1);  // only the subtraction's operands are numbered
    CHECK(to_dot(outs) == dot);
}

TEST_CASE("caller-named subexpressions print under their names", "[print]") {
    ExprContext ctx;
    Vars v{ctx};
    Expr r = ctx.make(Op::Sqrt, ctx.add(ctx.pow(v.x, v.k(2)), ctx.pow(v.y, v.k(2))));
    const Expr outputs[] = {ctx.div(v.x, r), ctx.div(v.y, r)};
    PrintOptions options;
    options.names.emplace_back(r, "r");
    const InfixListing listing = to_infix_listing(outputs, options);
    REQUIRE(listing.bindings.size() == 1);
    CHECK(listing.bindings[0] == std::make_pair(std::string("r"), std::string("sqrt(x^2 + y^2)")));
    CHECK(listing.outputs == std::vector<std::string>{"x/r", "y/r"});
    CHECK(to_infix(outputs, options) == "r = sqrt(x^2 + y^2); x/r, y/r");
    // A name the output does not use is left out.
    CHECK(to_infix(v.x, options) == "x");
}
