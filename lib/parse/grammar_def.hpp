// The grammar of gradc formulas (docs/language.md) in Spirit X3.
//
// Tokens are small hand-written parsers: they record where they start, and a name or
// number is a view into the source rather than a copied string. Operator chains are
// lists (`a >> *(op > a)`), so only parentheses and calls make the parser recurse.
// `expect[...]` marks an expectation point: past it a failure is an error at that place,
// which error_handler.hpp words; before it, the grammar may still backtrack.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include <cstddef>
#include <string_view>
#include <utility>

#include "parse/ast.hpp"
#include "parse/ast_adapted.hpp"
#include "parse/error_handler.hpp"
#include "parse/grammar.hpp"

namespace gradc::syntax::grammar {

namespace x3 = boost::spirit::x3;

// --- tokens ---------------------------------------------------------------------

// Whitespace and `#` comments, as one skipper call.
struct blank_parser : x3::parser<blank_parser> {
    using attribute_type = x3::unused_type;
    static const bool has_attribute = false;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx&, RCtx&, Attr&) const {
        const It start = first;
        first = lex::skip_blank(first, last);
        return first != start;
    }
};

struct name_parser : x3::parser<name_parser> {
    using attribute_type = ast::Name;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const It end = lex::scan_name(first, last);
        if (end == first) return false;
        x3::traits::move_to(ast::Name{first, static_cast<std::size_t>(end - first)}, attr);
        first = end;
        return true;
    }
};

// Only the shape is checked here; lowering converts it, so an out-of-range number is
// reported with the rest of the semantic errors.
struct number_parser : x3::parser<number_parser> {
    using attribute_type = ast::Number;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const It end = lex::scan_number(first, last);
        if (end == first) return false;
        x3::traits::move_to(ast::Number{first, static_cast<std::size_t>(end - first)}, attr);
        first = end;
        return true;
    }
};

// `+ -` or `* /`; a '*' that starts '**' is the power operator, not a product.
struct binary_op_parser : x3::parser<binary_op_parser> {
    using attribute_type = char;
    static const bool has_attribute = true;
    char a, b;
    constexpr binary_op_parser(char first_op, char second_op) : a(first_op), b(second_op) {}

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first == last || (*first != a && *first != b)) return false;
        if (*first == '*' && first + 1 != last && first[1] == '*') return false;
        x3::traits::move_to(*first, attr);
        ++first;
        return true;
    }
};

struct pow_op_parser : x3::parser<pow_op_parser> {
    using attribute_type = x3::unused_type;
    static const bool has_attribute = false;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr&) const {
        x3::skip_over(first, last, ctx);
        if (first != last && *first == '^') {
            ++first;
            return true;
        }
        if (last - first >= 2 && first[0] == '*' && first[1] == '*') {
            first += 2;
            return true;
        }
        return false;
    }
};

struct cmp_op_parser : x3::parser<cmp_op_parser> {
    using attribute_type = ast::CmpOp;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first == last) return false;
        const bool eq_next = first + 1 != last && first[1] == '=';
        Op op;
        switch (*first) {
            case '<': op = eq_next ? Op::Le : Op::Lt; break;
            case '>': op = eq_next ? Op::Ge : Op::Gt; break;
            case '=':
                if (!eq_next) return false;  // a lone '=' binds, it does not compare
                op = Op::Eq;
                break;
            case '!':
                if (!eq_next) return false;
                op = Op::Ne;
                break;
            default: return false;
        }
        x3::traits::move_to(ast::CmpOp{first, op}, attr);
        first += eq_next ? 2 : 1;
        return true;
    }
};

// The '=' of a binding, which must not be the start of '=='.
struct assign_parser : x3::parser<assign_parser> {
    using attribute_type = ast::Position;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first == last || *first != '=' || (first + 1 != last && first[1] == '=')) return false;
        x3::traits::move_to(ast::Position{first}, attr);
        ++first;
        return true;
    }
};

// Any run of unary '+' and '-', counting the minus signs; matches the empty run too.
struct signs_parser : x3::parser<signs_parser> {
    using attribute_type = std::size_t;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        std::size_t minus = 0;
        for (;;) {
            It next = first;
            x3::skip_over(next, last, ctx);
            if (next == last || (*next != '-' && *next != '+')) break;
            minus += *next == '-';
            first = next + 1;
        }
        x3::traits::move_to(minus, attr);
        return true;
    }
};

// Where the next token starts; consumes nothing but blanks.
struct here_parser : x3::parser<here_parser> {
    using attribute_type = ast::Position;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        x3::traits::move_to(ast::Position{first}, attr);
        return true;
    }
};

// After a binding's value: the ';' that ends it (left for the statement list to
// consume), or the end of the text, which lowering reports as a missing result.
struct binding_end_parser : x3::parser<binding_end_parser> {
    using attribute_type = ast::Position;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first != last && *first != ';') return false;
        x3::traits::move_to(ast::Position{first == last ? nullptr : first}, attr);
        return true;
    }
};

constexpr blank_parser blank{};
constexpr name_parser name_token{};
constexpr number_parser number_token{};
constexpr binary_op_parser add_op{'+', '-'};
constexpr binary_op_parser mul_op{'*', '/'};
constexpr pow_op_parser pow_op{};
constexpr cmp_op_parser cmp_op{};
constexpr assign_parser assign{};
constexpr signs_parser signs{};
constexpr here_parser here{};
constexpr binding_end_parser binding_end_token{};

// --- semantic actions -------------------------------------------------------------

struct as_operand_fn {
    template <class Ctx>
    void operator()(const Ctx& ctx) const {
        x3::_val(ctx) = ast::Operand(std::move(x3::_attr(ctx)));
    }
};
constexpr as_operand_fn as_operand{};

// Hands an attribute to the sink, unless an expectation has already failed: the
// parser may still match something on its way out, and lowering that would report a
// later, misleading error.
template <class F>
struct to_sink_fn {
    F f;
    template <class Ctx>
    void operator()(const Ctx& ctx) const {
        Input& input = x3::get<input_tag>(ctx);
        if (input.failure)
            x3::_pass(ctx) = false;
        else
            f(input.sink, x3::_attr(ctx));
    }
};
template <class F>
constexpr to_sink_fn<F> to_sink(F f) {
    return {f};
}

constexpr auto begin_binding =
    to_sink([](StatementSink& s, const ast::BindingHead& h) { s.binding(h.name, h.assign); });
constexpr auto end_binding = to_sink([](StatementSink& s, ast::Position semicolon) { s.end_value(semicolon); });
constexpr auto begin_first_result = to_sink([](StatementSink& s, ast::Lead& lead) {
    s.result(lead.pos, true);
    s.term('+', std::move(lead.product));
});
constexpr auto begin_next_result = to_sink([](StatementSink& s, ast::Lead& lead) {
    s.result(lead.pos, false);
    s.term('+', std::move(lead.product));
});
constexpr auto end_result = to_sink([](StatementSink& s, x3::unused_type) { s.end_value(nullptr); });
constexpr auto first_term = to_sink([](StatementSink& s, ast::Product& p) { s.term('+', std::move(p)); });
constexpr auto next_term = to_sink([](StatementSink& s, ast::SumTail& t) { s.term(t.op, std::move(t.operand)); });
constexpr auto compare = to_sink([](StatementSink& s, ast::Comparison& c) { s.compare(std::move(c)); });

// --- rules ------------------------------------------------------------------------

struct program_class;
struct statement_class;
struct binding_class;
struct binding_head_class;
struct binding_end_class;
struct value_class;
struct value_tail_class;
struct results_class;
struct result_first_class;
struct result_next_class;
struct lead_class;
struct expr_class;
struct comparison_class;
struct sum_class;
struct sum_tail_class;
struct product_class;
struct unary_class;
struct power_class;
struct exponent_class;
struct primary_class;
struct call_class;
struct args_class;
struct group_class;
struct close_paren_class;
struct end_class;

using program_type = x3::rule<program_class>;

const program_type program = "program";
const x3::rule<statement_class> statement = names::statement;
const x3::rule<binding_class> binding = "binding";
const x3::rule<binding_head_class, ast::BindingHead> binding_head = "binding";
const x3::rule<binding_end_class, ast::Position> binding_end = names::binding_end;
const x3::rule<value_class> value = names::expression;
const x3::rule<value_tail_class> value_tail = "rest of the expression";
const x3::rule<results_class> results = "results";
const x3::rule<result_first_class> result_first = names::expression;
const x3::rule<result_next_class> result_next = names::expression;
const x3::rule<lead_class, ast::Lead> lead = names::expression;
const x3::rule<expr_class, ast::Expr> expr = names::expression;
const x3::rule<comparison_class, ast::Comparison> comparison = "comparison";
const x3::rule<sum_class, ast::Sum> sum = names::operand;
const x3::rule<sum_tail_class, ast::SumTail> sum_tail = "term";
const x3::rule<product_class, ast::Product> product = names::operand;
const x3::rule<unary_class, ast::Unary> unary = names::operand;
const x3::rule<power_class, ast::Power> power = names::operand;
const x3::rule<exponent_class, ast::Exponent> exponent = names::operand;
const x3::rule<primary_class, ast::Operand> primary = names::operand;
const x3::rule<call_class, ast::Call> call = "call";
const x3::rule<args_class, std::vector<ast::Expr>> args = "arguments";
const x3::rule<group_class, ast::Expr> group = "parenthesized expression";
const x3::rule<close_paren_class> close_paren = names::close_paren;
const x3::rule<end_class> end = names::end;

// Statements are separated by ';'. Which may be bindings and which results is checked
// while lowering, where the message can name the statements involved.
const auto program_def = expect[statement] >> *(';' >> statement) >> -x3::lit(';') >> expect[end];
const auto statement_def = binding | results;

// The top level of a statement's values streams to the sink (grammar.hpp): a value
// is announced once its first term has matched, so backtracking never abandons one.
const auto binding_def = binding_head[begin_binding] >> expect[value] >> expect[binding_end][end_binding];
const auto binding_head_def = name_token >> assign;
const auto binding_end_def = binding_end_token;
const auto value_def = product[first_term] >> value_tail;
const auto results_def = result_first >> *(',' >> expect[result_next]);
const auto result_first_def = lead[begin_first_result] >> value_tail >> x3::eps[end_result];
const auto result_next_def = lead[begin_next_result] >> value_tail >> x3::eps[end_result];
const auto lead_def = here >> product;
const auto value_tail_def = *sum_tail[next_term] >> *comparison[compare];

// Everything below a statement's top level is an ordinary syntax tree.
const auto expr_def = here >> sum >> *comparison;
const auto comparison_def = cmp_op >> expect[sum];
const auto sum_def = product >> *sum_tail;
const auto sum_tail_def = add_op >> expect[product];
const auto product_def = unary >> *(mul_op >> expect[unary]);
const auto unary_def = signs >> power;
const auto power_def = primary >> *(pow_op >> expect[exponent]);
const auto exponent_def = signs >> primary;
const auto primary_def = number_token[as_operand] | call[as_operand] | name_token[as_operand] | group[as_operand];

const auto call_def = name_token >> args;
const auto args_def = '(' >> -(expr >> *(',' >> expect[expr])) >> expect[close_paren];
const auto group_def = '(' >> expect[expr] >> expect[close_paren];
const auto close_paren_def = x3::lit(')');
const auto end_def = x3::eoi;

BOOST_SPIRIT_DEFINE(program, statement, binding, binding_head, binding_end, value, value_tail, results, result_first,
                    result_next, lead, expr, comparison, sum, sum_tail, product, unary, power, exponent, primary, call,
                    args, group, close_paren, end)

}  // namespace gradc::syntax::grammar
