// The language as docs/language.md states it, checked against expressions built
// directly with the factory: equal nodes are the same pointer, so each CHECK compares
// whole trees.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <set>
#include <string>

#include "gradc/error.hpp"
#include "gradc/expr.hpp"
#include "gradc/parse.hpp"

using namespace gradc;

namespace {

struct Fixture {
    ExprContext ctx;
    Expr x = ctx.variable("x"), y = ctx.variable("y"), z = ctx.variable("z");
    Expr c(double v) { return ctx.constant(v); }
    Expr p(std::string_view text) { return parse_expr(ctx, text); }
    Expr f(Op op, Expr a) { return ctx.make(op, a); }
    Expr f(Op op, Expr a, Expr b) { return ctx.make(op, a, b); }
};

std::vector<std::string> names(const std::vector<Expr>& vars) {
    std::vector<std::string> out;
    for (Expr v : vars) out.emplace_back(v->name());
    return out;
}

}  // namespace

TEST_CASE("numbers", "[parse]") {
    Fixture t;
    CHECK(t.p("3") == t.c(3));
    CHECK(t.p("2.5") == t.c(2.5));
    CHECK(t.p(".5") == t.c(0.5));
    CHECK(t.p("5.") == t.c(5));
    CHECK(t.p("1e-3") == t.c(1e-3));
    CHECK(t.p("2.5E+10") == t.c(2.5e10));
    CHECK(t.p("0.1") == t.c(0.1));  // the nearest double, as strtod reads it
    CHECK(t.p("1e-310") == t.c(1e-310));  // denormal
    CHECK(t.p("1.7976931348623157e308") == t.c(std::numeric_limits<double>::max()));
    CHECK(t.p("0e99999") == t.c(0));
    CHECK_THROWS_AS(t.p("1e999"), ParseError);
    CHECK_THROWS_AS(t.p("1e-999"), ParseError);
}

TEST_CASE("constants", "[parse]") {
    Fixture t;
    CHECK(t.p("pi") == t.c(std::numbers::pi));
    CHECK(t.p("e") == t.c(std::numbers::e));
    CHECK(t.p("inf") == t.c(std::numeric_limits<double>::infinity()));
    CHECK(std::isnan(t.p("nan")->value()));
    CHECK(t.p("-inf") == t.c(-std::numeric_limits<double>::infinity()));
    CHECK(t.p("2*pi") == t.c(2 * std::numbers::pi));  // folded by the factory
    CHECK(t.ctx.find_variable("pi") == nullptr);
}

TEST_CASE("precedence and associativity", "[parse]") {
    Fixture t;
    auto& ctx = t.ctx;
    const Expr x = t.x, y = t.y, z = t.z;
    CHECK(t.p("x + y*z") == ctx.add(x, ctx.mul(y, z)));
    CHECK(t.p("x - y - z") == ctx.sub(ctx.sub(x, y), z));
    CHECK(t.p("x / y / z") == ctx.div(ctx.div(x, y), z));
    CHECK(t.p("x / y * z") == ctx.mul(ctx.div(x, y), z));
    CHECK(t.p("x - y + z") == ctx.add(ctx.sub(x, y), z));
    CHECK(t.p("x^y^z") == ctx.pow(x, ctx.pow(y, z)));
    CHECK(t.p("x**y**z") == ctx.pow(x, ctx.pow(y, z)));
    CHECK(t.p("x**y^z") == t.p("x^(y**z)"));
    CHECK(t.p("x*y**2") == ctx.mul(x, ctx.pow(y, t.c(2))));
    CHECK(t.p("2^3^2") == t.c(512));
    CHECK(t.p("-x^2") == ctx.neg(ctx.pow(x, t.c(2))));
    CHECK(t.p("-x*y") == ctx.mul(ctx.neg(x), y));
    CHECK(t.p("2^-x") == ctx.pow(t.c(2), ctx.neg(x)));
    CHECK(t.p("x^-y^z") == ctx.pow(x, ctx.neg(ctx.pow(y, z))));
    CHECK(t.p("x^+y") == ctx.pow(x, y));
    CHECK(t.p("x^--y") == ctx.pow(x, ctx.neg(ctx.neg(y))));
    CHECK(t.p("--x") == ctx.neg(ctx.neg(x)));
    CHECK(t.p("- - -x") == ctx.neg(ctx.neg(ctx.neg(x))));
    CHECK(t.p("+x") == x);
    CHECK(t.p("+-+x") == ctx.neg(x));
    CHECK(t.p("x - -y") == ctx.sub(x, ctx.neg(y)));
    CHECK(t.p("x--y") == ctx.sub(x, ctx.neg(y)));
    CHECK(t.p("x*-y") == ctx.mul(x, ctx.neg(y)));
    CHECK(t.p("-3") == t.c(-3));  // folded
    CHECK(t.p("(x + y)*z") == ctx.mul(ctx.add(x, y), z));
    CHECK(t.p("((x))") == x);
    CHECK(t.p("(-x)^2") == ctx.pow(ctx.neg(x), t.c(2)));
}

TEST_CASE("comparisons bind loosest and give 1 or 0", "[parse]") {
    Fixture t;
    auto& ctx = t.ctx;
    CHECK(t.p("x + 1 < y*2") == t.f(Op::Lt, ctx.add(t.x, t.c(1)), ctx.mul(t.y, t.c(2))));
    CHECK(t.p("x <= y") == t.f(Op::Le, t.x, t.y));
    CHECK(t.p("x > y") == t.f(Op::Gt, t.x, t.y));
    CHECK(t.p("x >= y") == t.f(Op::Ge, t.x, t.y));
    CHECK(t.p("x == y") == t.f(Op::Eq, t.x, t.y));
    CHECK(t.p("x != y") == t.f(Op::Ne, t.x, t.y));
    CHECK(t.p("y == x") == t.p("x == y"));
    CHECK(t.p("1 < 2") == t.c(1));
    CHECK(t.p("(x < y) * (y < z)") == ctx.mul(t.f(Op::Lt, t.x, t.y), t.f(Op::Lt, t.y, t.z)));
    CHECK_THROWS_AS(t.p("x < y < z"), ParseError);
    CHECK_THROWS_AS(t.p("x == y != z"), ParseError);
}

TEST_CASE("commutative operands share one node", "[parse]") {
    Fixture t;
    CHECK(t.p("x*y") == t.p("y*x"));
    CHECK(t.p("x + y + z") != t.p("z + y + x"));  // nothing is reassociated
    CHECK(t.p("min(x, y)") == t.p("min(y, x)"));
    CHECK(t.p("sin(x)*y + 1") == t.p("1 + y*sin(x)"));
}

TEST_CASE("every function spelling calls its op", "[parse]") {
    Fixture t;
    std::set<Op> canonical;
    for (const FunctionSpelling& f : function_spellings()) {
        INFO(f.name);
        const int arity = op_info(f.op).arity;
        std::string text = std::string(f.name) + "(x";
        if (arity >= 2) text += ", y";
        if (arity >= 3) text += ", z";
        text += ")";
        const Expr args[3] = {t.x, t.y, t.z};
        CHECK(t.p(text) == t.ctx.make(f.op, std::span<const Expr>(args, static_cast<std::size_t>(arity))));
        if (op_info(f.op).spelling == f.name) canonical.insert(f.op);
    }
    // Each call-form op is reachable under its canonical spelling.
    for (int i = 0; i < kOpCount; ++i) {
        const Op op = static_cast<Op>(i);
        if (op_info(op).form == OpForm::Call) CHECK(canonical.count(op) == 1);
    }
}

TEST_CASE("aliases", "[parse]") {
    Fixture t;
    CHECK(t.p("ln(x)") == t.p("log(x)"));
    CHECK(t.p("arcsin(x) + arccos(x) + arctan(x)") == t.p("asin(x) + acos(x) + atan(x)"));
    CHECK(t.p("arcsinh(x) + arccosh(x) + arctanh(x)") == t.p("asinh(x) + acosh(x) + atanh(x)"));
    CHECK(t.p("arctan2(y, x)") == t.p("atan2(y, x)"));
    CHECK(t.p("pow(x, y)") == t.p("x^y"));
    CHECK(t.p("fabs(x)") == t.p("abs(x)"));
    CHECK(t.p("logistic(x)") == t.p("sigmoid(x)"));
    CHECK_THROWS_AS(t.p("heaviside(x)"), ParseError);
}

TEST_CASE("where takes any expression as its condition", "[parse]") {
    Fixture t;
    CHECK(t.p("where(x > 0, sqrt(x), 0)") ==
          t.ctx.make(Op::Where, t.f(Op::Gt, t.x, t.c(0)), t.f(Op::Sqrt, t.x), t.c(0)));
    CHECK(t.p("where(x, y, z)") == t.ctx.make(Op::Where, t.x, t.y, t.z));
    CHECK(t.p("where(x*y - 1, y, z)")->arg(0) == t.ctx.sub(t.ctx.mul(t.x, t.y), t.c(1)));
    CHECK(t.p("where(2, y, z)") == t.y);  // constant condition, folded
}

TEST_CASE("bindings", "[parse]") {
    Fixture t;
    auto& ctx = t.ctx;
    const Program p = parse(ctx, "r = sqrt(x^2 + y^2); r*sin(r)");
    const Expr r = t.p("sqrt(x^2 + y^2)");
    REQUIRE(p.outputs.size() == 1);
    CHECK(p.outputs[0] == ctx.mul(r, t.f(Op::Sin, r)));
    REQUIRE(p.bindings.size() == 1);
    CHECK(p.bindings[0].first == "r");
    CHECK(p.bindings[0].second == r);
    CHECK(names(p.variables) == std::vector<std::string>{"x", "y"});

    const Program q = parse(ctx, "a = x + 1; b = a*a; c = b - a; c / b");
    REQUIRE(q.bindings.size() == 3);
    CHECK(q.bindings[1].first == "b");
    const Expr a = ctx.add(t.x, t.c(1)), b = ctx.mul(a, a);
    CHECK(q.outputs[0] == ctx.div(ctx.sub(b, a), b));
    CHECK(t.p("a = 2; a*x") == ctx.mul(t.c(2), t.x));
    CHECK(t.p("x_1 = x; x_1") == t.x);  // binding names may look like variables
}

TEST_CASE("several results, and a trailing semicolon", "[parse]") {
    Fixture t;
    const Program p = parse(t.ctx, "x*y, x + y, 3;");
    REQUIRE(p.outputs.size() == 3);
    CHECK(p.outputs[0] == t.ctx.mul(t.x, t.y));
    CHECK(p.outputs[1] == t.ctx.add(t.x, t.y));
    CHECK(p.outputs[2] == t.c(3));
    CHECK(parse(t.ctx, "s = x + y; s, s*s").outputs.size() == 2);
    CHECK(t.p("x;") == t.x);
    const Program q = parse(t.ctx, "x < 1, y == 2 - x, -z");
    REQUIRE(q.outputs.size() == 3);
    CHECK(q.outputs[0] == t.f(Op::Lt, t.x, t.c(1)));
    CHECK(q.outputs[1] == t.f(Op::Eq, t.y, t.ctx.sub(t.c(2), t.x)));
    CHECK(q.outputs[2] == t.ctx.neg(t.z));
    CHECK_THROWS_AS(t.p("x, y"), ParseError);  // parse_expr wants exactly one
}

TEST_CASE("whitespace, newlines, comments and CRLF", "[parse]") {
    Fixture t;
    const Expr expected = parse_expr(t.ctx, "r = x*y; r + sin(r)");
    CHECK(t.p("  r=x*y;r+sin(r)  ") == expected);
    CHECK(t.p("# a comment first\nr = x * y;   # the product\n\n  r + sin( r )  # done") == expected);
    CHECK(t.p("r = x*y;\r\nr\r\n  + sin(r)\r\n") == expected);
    CHECK(t.p("r\t=\tx*y;\tr+sin(r)") == expected);
    CHECK(t.p("x # no newline at the end") == t.x);
    CHECK(t.p("x^#exponent next\n2") == t.ctx.pow(t.x, t.c(2)));
    CHECK(t.p("sin\n(\nx\n)") == t.f(Op::Sin, t.x));
}

TEST_CASE("variables are ordered by first appearance in the text", "[parse]") {
    ExprContext ctx;
    CHECK(names(parse(ctx, "b*a + c").variables) == std::vector<std::string>{"b", "a", "c"});
    CHECK(names(parse(ctx, "a*b + c").variables) == std::vector<std::string>{"a", "b", "c"});
    // Inside bindings too, and whatever order the context created them in.
    CHECK(names(parse(ctx, "t = w*v; u = z + t; u*a + v").variables) == std::vector<std::string>{"w", "v", "z", "a"});
    CHECK(names(parse(ctx, "q^p^o").variables) == std::vector<std::string>{"q", "p", "o"});
    CHECK(names(parse(ctx, "where(k, j, i), h").variables) == std::vector<std::string>{"k", "j", "i", "h"});
    CHECK(names(parse(ctx, "pi*x + e").variables) == std::vector<std::string>{"x"});
    CHECK(parse(ctx, "2 + 3").variables.empty());
}

TEST_CASE("semantic errors point at the name responsible", "[parse]") {
    ExprContext ctx;
    auto error_at = [&](std::string_view text) -> std::pair<std::size_t, std::string> {
        try {
            parse(ctx, text);
        } catch (const ParseError& e) {
            return {e.diagnostic().offset, e.diagnostic().message};
        }
        return {std::string_view::npos, "no error"};
    };
    CHECK(error_at("sqr(x) + 1") ==
          std::pair<std::size_t, std::string>{0, "unknown function 'sqr'; did you mean 'sqrt'?"});
    CHECK(error_at("x + atan2(x)") == std::pair<std::size_t, std::string>{4, "atan2 takes 2 arguments, got 1"});
    CHECK(error_at("sin(x, y)").second == "sin takes 1 argument, got 2");
    CHECK(error_at("1 + sin").first == 4);
    CHECK(error_at("1 + sin").second == "'sin' is a function: call it as sin(...)");
    CHECK(error_at("a = b + 1; b = 2; a").first == 4);
    CHECK(error_at("a = b + 1;\nb = 2; a").second ==
          "'b' is bound later, on line 2; move that binding before this use");
    CHECK(error_at("a = 1; a = 2; a").first == 7);
    CHECK(error_at("pi = 3; pi").first == 0);
    CHECK(error_at("cos = 3; cos").first == 0);
    CHECK(error_at("a = 2; a(x)").second.find("binding, not a function") != std::string::npos);
    CHECK(error_at("x + x(2)").second.find("variable, not a function") != std::string::npos);
    CHECK(error_at("pi(2)").second.find("constant, not a function") != std::string::npos);
    CHECK(error_at("a = a + 1; a").first == 4);
    CHECK(error_at("x < y < z").first == 6);
    CHECK(error_at("2 * 1e999").first == 4);
    CHECK(error_at("x = 1").first == 2);
    CHECK(error_at("a == 2; a").first == 2);
    CHECK(error_at("a == 2, b; a").first == 11);  // two results: not a binding typo
    CHECK(error_at("x + 1; y").second.find("statement after the results") == 0);
    CHECK(error_at("x, y; z").first == 6);
}

TEST_CASE("suggestions come from the spelling table", "[parse]") {
    ExprContext ctx;
    auto message = [&](std::string_view text) {
        try {
            parse(ctx, text);
        } catch (const ParseError& e) {
            return e.diagnostic().message;
        }
        return std::string("no error");
    };
    CHECK(message("sinn(x)") == "unknown function 'sinn'; did you mean 'sin'?");
    CHECK(message("arctg(x)") == "unknown function 'arctg'; did you mean 'arctan'?");
    CHECK(message("sigmod(x)") == "unknown function 'sigmod'; did you mean 'sigmoid'?");
    CHECK(message("foo(x)") == "unknown function 'foo'; to multiply, write foo*(...)");
}

TEST_CASE("a parse error leaves the context usable", "[parse]") {
    ExprContext ctx;
    CHECK_THROWS_AS(parse(ctx, "x + (y"), ParseError);
    CHECK_THROWS_AS(parse(ctx, "foo(x)"), ParseError);
    CHECK(parse_expr(ctx, "x + y") == ctx.add(ctx.variable("x"), ctx.variable("y")));
}
