// Size and depth: the nesting limit and its error, the length limit, and inputs that
// must not recurse at all (long flat chains, deep DAGs written with bindings).
#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "gradc/error.hpp"
#include "gradc/expr.hpp"
#include "gradc/parse.hpp"

using namespace gradc;

namespace {

std::string parens(std::size_t depth) { return std::string(depth, '(') + "x" + std::string(depth, ')'); }

std::string calls(std::size_t depth, std::string_view f) {
    std::string s;
    for (std::size_t i = 0; i < depth; ++i) (s += f) += '(';
    return s + "x" + std::string(depth, ')');
}

}  // namespace

TEST_CASE("10,000 levels of nesting parse, and one more is an error at the paren that crosses", "[parse][limits]") {
    ExprContext ctx;
    const Expr x = ctx.variable("x");
    CHECK(parse_expr(ctx, parens(10'000)) == x);

    Expr sines = x;
    for (int i = 0; i < 10'000; ++i) sines = ctx.make(Op::Sin, sines);
    CHECK(parse_expr(ctx, calls(10'000, "sin")) == sines);

    // Mixed: calls, groups and arguments all count, and so does an open error path.
    std::string mixed;
    for (int i = 0; i < 5'000; ++i) mixed += "atan2(1, (";
    mixed += "x";
    for (int i = 0; i < 5'000; ++i) mixed += "))";
    CHECK(parse_expr(ctx, mixed)->op() == Op::Atan2);

    for (const std::string& deep : {parens(10'001), calls(10'001, "sin")}) {
        try {
            parse_expr(ctx, deep);
            FAIL("no error");
        } catch (const ParseError& e) {
            const std::size_t crossing = deep.find('(') + 10'000 * (deep[0] == '(' ? 1 : 4);
            CHECK(e.diagnostic().offset == crossing);
            CHECK(e.diagnostic().message ==
                  "nesting deeper than 10000 levels; split the formula with bindings (name = ...;), or raise "
                  "ParseLimits::max_nesting (gradc --max-nesting)");
        }
    }
}

TEST_CASE("errors deep inside the nesting are reported, not a crash", "[parse][limits]") {
    ExprContext ctx;
    auto error_of = [&](const std::string& text) -> std::pair<std::size_t, std::string> {
        try {
            parse(ctx, text);
        } catch (const ParseError& e) {
            return {e.diagnostic().offset, e.diagnostic().message};
        }
        return {0, "no error"};
    };
    std::string open(10'000, '(');
    CHECK(error_of(open + "x +") == std::pair<std::size_t, std::string>{10'003, "missing operand after '+'"});
    // The innermost '(' is the one left open.
    CHECK(error_of(open + "x") ==
          std::pair<std::size_t, std::string>{9'999, "unclosed '(': expected ')' before the end of the formula"});
    // Lowering errors at depth: the innermost call is an unknown function.
    const std::string deep_call = calls(9'999, "sin");
    std::string unknown = deep_call;
    unknown.replace(unknown.find('x'), 1, "foo(x)");
    CHECK(error_of(unknown) ==
          std::pair<std::size_t, std::string>{9'999 * 4, "unknown function 'foo'; to multiply, write foo*(...)"});
}

TEST_CASE("the nesting limit is configurable and ignores parentheses in comments", "[parse][limits]") {
    ExprContext ctx;
    ParseLimits limits;
    limits.max_nesting = 3;
    CHECK(parse_expr(ctx, "(((x)))", limits) == ctx.variable("x"));
    CHECK_THROWS_AS(parse_expr(ctx, "((((x))))", limits), ParseError);
    CHECK(parse_expr(ctx, "# ((((((\n(((x)))", limits) == ctx.variable("x"));
    CHECK(parse_expr(ctx, "(x) + (x) + (((x)))", limits) == parse_expr(ctx, "x + x + x"));
}

TEST_CASE("text longer than max_length is a LimitError with both sizes", "[parse][limits]") {
    ExprContext ctx;
    ParseLimits limits;
    limits.max_length = 10;
    CHECK(parse_expr(ctx, "x + y + z", limits)->op() == Op::Add);
    CHECK(parse_expr(ctx, "x + y + zz", limits)->op() == Op::Add);  // exactly at the limit
    CHECK_THROWS_AS(parse_expr(ctx, "x + y + zzz", limits), LimitError);
    try {
        parse(ctx, "x + y + z + w", limits);
        FAIL("no error");
    } catch (const LimitError& e) {
        CHECK(std::string(e.what()) ==
              "the formula is 13 bytes long, more than the limit of 10 bytes: raise ParseLimits::max_length "
              "(gradc --max-length)");
    }
}

TEST_CASE("a sum of a million terms parses without recursion", "[parse][limits]") {
    ExprContext ctx;
    const Expr x = ctx.variable("x");
    std::string text = "x";
    for (int i = 1; i < 1'000'000; ++i) text += "+x";
    const Expr sum = parse_expr(ctx, text);
    Expr expected = x;
    for (int i = 1; i < 1'000'000; ++i) expected = ctx.add(expected, x);
    CHECK(sum == expected);
    CHECK(sum->height() == 999'999);

    // The same sum as a binding's value, and inside parentheses (a syntax tree, not a stream).
    CHECK(parse_expr(ctx, "s = " + text + "; s") == sum);
    CHECK(parse_expr(ctx, "2*(" + text + ")") == ctx.mul(ctx.constant(2), sum));
    CHECK(parse_expr(ctx, text + " < 1") == ctx.make(Op::Lt, sum, ctx.constant(1)));

    std::string products = "y";
    for (int i = 1; i < 1'000'000; ++i) products += i % 2 ? "*y" : "/y";
    CHECK(parse_expr(ctx, products)->height() == 999'999);
}

TEST_CASE("long chains of '^' and unary minus parse without recursion", "[parse][limits]") {
    ExprContext ctx;
    const Expr x = ctx.variable("x");
    constexpr int kTerms = 300'000;
    std::string powers = "x";
    for (int i = 1; i < kTerms; ++i) powers += i % 2 ? "^x" : "**x";
    Expr expected = x;
    for (int i = 1; i < kTerms; ++i) expected = ctx.pow(x, expected);
    CHECK(parse_expr(ctx, powers) == expected);

    std::string negations;
    for (int i = 0; i < kTerms; ++i) negations += "- ";
    negations += "x";
    Expr negated = x;
    for (int i = 0; i < kTerms; ++i) negated = ctx.neg(negated);
    CHECK(parse_expr(ctx, negations) == negated);

    // Signed exponents: x^-x^-x... is x^(-(x^(-(x...)))).
    std::string signed_powers = "x";
    for (int i = 1; i < kTerms; ++i) signed_powers += "^-x";
    Expr signed_expected = ctx.neg(x);
    for (int i = 2; i < kTerms; ++i) signed_expected = ctx.neg(ctx.pow(x, signed_expected));
    CHECK(parse_expr(ctx, signed_powers) == ctx.pow(x, signed_expected));
}

TEST_CASE("a million-deep DAG written with bindings parses and lowers", "[parse][limits]") {
    ExprContext ctx;
    constexpr int kDepth = 1'000'000;
    std::string text = "t1 = sin(x);\n";
    for (int i = 2; i <= kDepth; ++i) text += "t" + std::to_string(i) + " = sin(t" + std::to_string(i - 1) + ");\n";
    text += "t" + std::to_string(kDepth);
    const Program p = parse(ctx, text);
    REQUIRE(p.outputs.size() == 1);
    CHECK(p.outputs[0]->height() == kDepth);
    CHECK(p.bindings.size() == kDepth);
    CHECK(p.bindings.back().first == "t1000000");
    CHECK(p.bindings.back().second == p.outputs[0]);
    REQUIRE(p.variables.size() == 1);
    CHECK(p.variables[0]->name() == "x");
}
