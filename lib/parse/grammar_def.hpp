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

// `+ -` or `* / @`; a '*' that starts '**' is the power operator, not a product.
struct binary_op_parser : x3::parser<binary_op_parser> {
    using attribute_type = char;
    static const bool has_attribute = true;
    char a, b, c;
    constexpr binary_op_parser(char first_op, char second_op, char third_op = '\0')
        : a(first_op), b(second_op), c(third_op) {}

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first == last || *first == '\0' || (*first != a && *first != b && *first != c)) return false;
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

// A transpose after an operand: `'`, or `.T` (not the start of a longer name).
struct transpose_parser : x3::parser<transpose_parser> {
    using attribute_type = ast::PostfixOp;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first != last && *first == '\'') {
            x3::traits::move_to(ast::PostfixOp{first, '\'', {}}, attr);
            ++first;
            return true;
        }
        if (last - first >= 2 && first[0] == '.' && first[1] == 'T' && lex::scan_name(first + 1, last) == first + 2) {
            x3::traits::move_to(ast::PostfixOp{first, 'T', {}}, attr);
            first += 2;
            return true;
        }
        return false;
    }
};

// A declaration, `W: param[784,128]` or `y: data[N] int`. It is one only when a name and
// ':' start the statement; past the ':', a malformed declaration is an error there.
// Whether the words are `param`, `data` and `int`, and the dimensions numbers or N, is
// checked while lowering, where the message can say what was meant.
struct declaration_parser : x3::parser<declaration_parser> {
    using attribute_type = ast::Declaration;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        ast::Declaration d;
        It p = first;
        const auto name_at = [&](It at) {
            const It end = lex::scan_name(at, last);
            return ast::Name{at, static_cast<std::size_t>(end - at)};
        };
        d.name = name_at(p);
        if (d.name.length == 0) return false;
        p = lex::skip_blank(p + d.name.length, last);
        if (p == last || *p != ':') return false;
        Input& input = x3::get<input_tag>(ctx);
        const auto fail = [&](It at, const char* which) {
            if (!input.failure) input.failure = Failure{at, which};
            return false;
        };
        p = lex::skip_blank(p + 1, last);
        d.kind = name_at(p);
        if (d.kind.length == 0) return fail(p, names::declaration);
        p = lex::skip_blank(p + d.kind.length, last);
        if (p != last && *p == '[') {
            d.open = p;
            p = lex::skip_blank(p + 1, last);
            while (p == last || *p != ']') {
                It end = lex::scan_name(p, last);
                if (end == p) end = lex::scan_digits(p, last);
                if (end == p) return fail(p, names::dimension);
                d.dims.push_back(ast::Name{p, static_cast<std::size_t>(end - p)});
                p = lex::skip_blank(end, last);
                if (p != last && *p == ',') {
                    p = lex::skip_blank(p + 1, last);
                } else if (p == last || *p != ']') {
                    return fail(p, names::dimension);
                }
            }
            p = lex::skip_blank(p + 1, last);
        }
        d.type = name_at(p);
        first = p + d.type.length;
        if (d.type.length == 0) d.type.pos = nullptr;
        x3::traits::move_to(std::move(d), attr);
        return true;
    }
};

// An index name on a definition's left side, with its range if written: `i`, `i:3`, `n:N`.
struct index_name_parser : x3::parser<index_name_parser> {
    using attribute_type = ast::IndexName;
    static const bool has_attribute = true;

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const It end = lex::scan_name(first, last);
        if (end == first) return false;
        ast::IndexName i{{first, static_cast<std::size_t>(end - first)}, {}};
        It p = lex::skip_blank(end, last);
        if (p != last && *p == ':') {
            p = lex::skip_blank(p + 1, last);
            It range_end = lex::scan_name(p, last);
            if (range_end == p) range_end = lex::scan_digits(p, last);
            if (range_end == p) return false;
            i.range = {p, static_cast<std::size_t>(range_end - p)};
            first = range_end;
        } else {
            first = end;
        }
        x3::traits::move_to(std::move(i), attr);
        return true;
    }
};

constexpr blank_parser blank{};
constexpr name_parser name_token{};
constexpr number_parser number_token{};
constexpr binary_op_parser add_op{'+', '-'};
constexpr binary_op_parser mul_op{'*', '/', '@'};
constexpr transpose_parser transpose_op{};
constexpr index_name_parser index_name{};
constexpr declaration_parser declaration_token{};
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

constexpr auto declare = to_sink([](StatementSink& s, ast::Declaration& d) { s.declaration(std::move(d)); });
constexpr auto begin_binding = to_sink([](StatementSink& s, const ast::BindingHead& h) { s.binding(h); });
constexpr auto end_binding = to_sink([](StatementSink& s, ast::Position semicolon) { s.end_value(semicolon); });
constexpr auto begin_first_result = to_sink([](StatementSink& s, ast::Lead& lead) {
    s.result(lead.pos, true);
    s.term('+', nullptr, std::move(lead.product));
});
constexpr auto begin_next_result = to_sink([](StatementSink& s, ast::Lead& lead) {
    s.result(lead.pos, false);
    s.term('+', nullptr, std::move(lead.product));
});
constexpr auto end_result = to_sink([](StatementSink& s, x3::unused_type) { s.end_value(nullptr); });
constexpr auto first_term = to_sink([](StatementSink& s, ast::Product& p) { s.term('+', nullptr, std::move(p)); });
constexpr auto next_term =
    to_sink([](StatementSink& s, ast::SumTail& t) { s.term(t.op, t.pos, std::move(t.operand)); });

// primary: an atom, then each postfix wraps what came before.
struct apply_postfix_fn {
    template <class Ctx>
    void operator()(const Ctx& ctx) const {
        x3::_val(ctx) = ast::Operand(ast::Postfix{std::move(x3::_val(ctx)), std::move(x3::_attr(ctx))});
    }
};
constexpr apply_postfix_fn apply_postfix{};

struct assign_value_fn {
    template <class Ctx>
    void operator()(const Ctx& ctx) const {
        x3::_val(ctx) = std::move(x3::_attr(ctx));
    }
};
constexpr assign_value_fn assign_value{};

// (a) is a group, (a, b) a tuple.
struct as_group_fn {
    template <class Ctx>
    void operator()(const Ctx& ctx) const {
        ast::Group& g = x3::_attr(ctx);
        if (g.items.size() == 1 && !g.trailing_comma)
            x3::_val(ctx) = ast::Operand(std::move(g.items.front()));
        else
            x3::_val(ctx) = ast::Operand(ast::Tuple{g.pos, std::move(g.items)});
    }
};
constexpr as_group_fn as_group{};

struct as_list_fn {
    template <class Ctx>
    void operator()(const Ctx& ctx) const {
        auto& [pos, items] = x3::_attr(ctx);
        x3::_val(ctx) = ast::Operand(ast::List{pos, std::move(items)});
    }
};
constexpr as_list_fn as_list{};

struct as_positional_fn {
    template <class Ctx>
    void operator()(const Ctx& ctx) const {
        x3::_val(ctx) = ast::Argument{ast::Name{}, std::move(x3::_attr(ctx))};
    }
};
constexpr as_positional_fn as_positional{};

// The parts of a subscript item, as they match.
template <int Part>
struct subscript_part_fn {
    template <class Ctx>
    void operator()(const Ctx& ctx) const {
        ast::Subscript& s = x3::_val(ctx);
        if constexpr (Part == 0) s.pos = x3::_attr(ctx);
        if constexpr (Part == 1) s.start = std::move(x3::_attr(ctx));
        if constexpr (Part == 2) ++s.colons;
        if constexpr (Part == 3) s.stop = std::move(x3::_attr(ctx));
        if constexpr (Part == 4) s.step = std::move(x3::_attr(ctx));
    }
};

struct subscripts_fn {
    template <class Ctx>
    void operator()(const Ctx& ctx) const {
        auto& [pos, items] = x3::_attr(ctx);
        x3::_val(ctx) = ast::PostfixOp{pos, '[', std::move(items)};
    }
};
constexpr subscripts_fn as_subscripts{};
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
struct atom_class;
struct postfix_class;
struct subscripts_class;
struct subscript_class;
struct list_class;
struct expr_list_class;
struct call_class;
struct args_class;
struct argument_class;
struct keyword_argument_class;
struct positional_argument_class;
struct group_class;
struct close_paren_class;
struct close_bracket_class;
struct declaration_class;
struct index_list_class;
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
const x3::rule<atom_class, ast::Operand> atom = names::operand;
const x3::rule<postfix_class, ast::PostfixOp> postfix = "subscript";
const x3::rule<subscripts_class, std::pair<ast::Position, std::vector<ast::Subscript>>> subscripts = "subscript";
const x3::rule<subscript_class, ast::Subscript> subscript = names::operand;
const x3::rule<list_class, std::pair<ast::Position, std::vector<ast::Expr>>> list = "list";
const x3::rule<expr_list_class, std::vector<ast::Expr>> expr_list = names::expression;
const x3::rule<call_class, ast::Call> call = "call";
const x3::rule<args_class, std::vector<ast::Argument>> args = "arguments";
const x3::rule<argument_class, ast::Argument> argument = names::expression;
const x3::rule<keyword_argument_class, ast::Argument> keyword_argument = "keyword argument";
const x3::rule<positional_argument_class, ast::Argument> positional_argument = names::expression;
const x3::rule<group_class, ast::Group> group = "parenthesized expression";
const x3::rule<close_paren_class> close_paren = names::close_paren;
const x3::rule<close_bracket_class> close_bracket = names::close_bracket;
const x3::rule<declaration_class, ast::Declaration> declaration = names::declaration;
const x3::rule<index_list_class, std::vector<ast::IndexName>> index_list = "index names";
const x3::rule<end_class> end = names::end;

// Statements are separated by ';'. Which may be bindings and which results is checked
// while lowering, where the message can name the statements involved.
const auto program_def = expect[statement] >> *(';' >> statement) >> -x3::lit(';') >> expect[end];
const auto statement_def = declaration[declare] | binding | results;
const auto declaration_def = declaration_token;

// The top level of a statement's values streams to the sink (grammar.hpp): a value
// is announced once its first term has matched, so backtracking never abandons one.
const auto binding_def = binding_head[begin_binding] >> expect[value] >> expect[binding_end][end_binding];
const auto binding_head_def = name_token >> index_list >> assign;
const auto index_list_def = ('[' >> (index_name % ',') >> ']') | x3::attr(std::vector<ast::IndexName>{});
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
const auto sum_tail_def = here >> add_op >> expect[product];
const auto product_def = unary >> *(here >> mul_op >> expect[unary]);
const auto unary_def = signs >> power;
const auto power_def = primary >> *(pow_op >> expect[exponent]);
const auto exponent_def = signs >> primary;
const auto primary_def = atom[assign_value] >> *postfix[apply_postfix];
const auto atom_def =
    number_token[as_operand] | call[as_operand] | name_token[as_operand] | group[as_group] | list[as_list];
const auto postfix_def = transpose_op[assign_value] | subscripts[as_subscripts];
const auto subscripts_def = here >> '[' >> (subscript % ',') >> expect[close_bracket];
const auto subscript_def = here[subscript_part_fn<0>{}] >> -expr[subscript_part_fn<1>{}] >>
                           -(x3::lit(':')[subscript_part_fn<2>{}] >> -expr[subscript_part_fn<3>{}] >>
                             -(x3::lit(':')[subscript_part_fn<2>{}] >> -expr[subscript_part_fn<4>{}]));
const auto list_def = here >> '[' >> -expr_list >> -x3::lit(',') >> expect[close_bracket];
const auto expr_list_def = expr >> *(',' >> expr);

const auto call_def = name_token >> args;
const auto args_def = '(' >> -(argument >> *(',' >> expect[argument])) >> expect[close_paren];
const auto argument_def = keyword_argument | positional_argument;
const auto keyword_argument_def = name_token >> x3::omit[assign] >> expect[expr];
const auto positional_argument_def = expr[as_positional];
const auto group_def = here >> '(' >> ((&x3::lit(')') >> x3::attr(std::vector<ast::Expr>{})) | expect[expr_list]) >>
                       x3::matches[x3::lit(',')] >> expect[close_paren];
const auto close_paren_def = x3::lit(')');
const auto close_bracket_def = x3::lit(']');
const auto end_def = x3::eoi;

BOOST_SPIRIT_DEFINE(program, statement, binding, binding_head, binding_end, value, value_tail, results, result_first,
                    result_next, lead, expr, comparison, sum, sum_tail, product, unary, power, exponent, primary, atom,
                    postfix, subscripts, subscript, list, expr_list, call, args, argument, keyword_argument,
                    positional_argument, group, close_paren, close_bracket, declaration, index_list, end)

}  // namespace gradc::syntax::grammar
