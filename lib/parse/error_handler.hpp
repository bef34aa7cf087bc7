// Expectation points and the messages for their failures. Included by the grammar only.
//
// X3's own `a > b` throws when b fails. This grammar writes `a >> expect[b]` instead,
// which records the first failure in the parse context and fails; every expectation
// after it fails at once, so the parse unwinds by ordinary returns and read_program
// raises the error from a shallow stack. (An exception thrown from deep nesting leaves
// AddressSanitizer's shadow of a stack over 64 MB stale, and false reports follow.)
//
// A message is built from what was expected ("which", a rule name), the token before the
// failure, the token at it, and what a forward scan of the text says was still open.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/error.hpp"
#include "parse/grammar.hpp"

namespace gradc::syntax::grammar {

namespace x3 = boost::spirit::x3;

// The first expectation that failed: where the expected thing was tried, and its name.
struct Failure {
    const char* where = nullptr;
    std::string which;
};

// The context entry through which expectations and actions reach the source, the sink
// and the failure.
struct input_tag;
struct Input {
    std::string_view source;
    StatementSink& sink;
    std::optional<Failure> failure;
};

// Rule names. X3 reports a failed expectation by the expected rule's name, so the
// names double as the keys of the messages below.
namespace names {
inline constexpr const char* statement = "statement";
inline constexpr const char* expression = "expression";
inline constexpr const char* operand = "operand";
inline constexpr const char* close_paren = "')'";
inline constexpr const char* close_bracket = "']'";
inline constexpr const char* declaration = "declaration";
inline constexpr const char* dimension = "dimension";
inline constexpr const char* binding_end = "';' after a binding";
inline constexpr const char* end = "end of formula";
}  // namespace names

namespace detail {

struct Token {
    enum Kind { none, end, name, number, open, close, comma, semicolon, assign, op, bracket, other } kind = none;
    const char* pos = nullptr;
    std::string_view text;

    bool starts_operand() const { return kind == name || kind == number || kind == open; }
};

inline Token token_at(const char* p, const char* end) {
    if (p == end) return {Token::end, p, {}};
    auto make = [&](Token::Kind k, const char* e) {
        return Token{k, p, std::string_view(p, static_cast<std::size_t>(e - p))};
    };
    if (const char* e = lex::scan_name(p, end); e != p) return make(Token::name, e);
    if (const char* e = lex::scan_number(p, end); e != p) return make(Token::number, e);
    const char next = p + 1 != end ? p[1] : '\0';
    switch (*p) {
        case '(': return make(Token::open, p + 1);
        case ')': return make(Token::close, p + 1);
        case ',': return make(Token::comma, p + 1);
        case ';': return make(Token::semicolon, p + 1);
        case '=': return next == '=' ? make(Token::op, p + 2) : make(Token::assign, p + 1);
        case '*': return make(Token::op, next == '*' ? p + 2 : p + 1);
        case '<':
        case '>': return make(Token::op, next == '=' ? p + 2 : p + 1);
        case '!': return next == '=' ? make(Token::op, p + 2) : make(Token::other, p + 1);
        case '+':
        case '-':
        case '/':
        case '@':
        case '^': return make(Token::op, p + 1);
        case '[':
        case ']':
        case ':':
        case '\'': return make(Token::bracket, p + 1);
        default: break;
    }
    // A non-ASCII character is shown whole: its UTF-8 lead byte and continuation bytes.
    const char* e = p + 1;
    if (static_cast<unsigned char>(*p) >= 0xC0)
        while (e != end && (static_cast<unsigned char>(*e) & 0xC0) == 0x80) ++e;
    return make(Token::other, e);
}

// What a forward read of the text up to a failure finds: the last token before it, the
// parentheses still open there (innermost last) and where the current statement began.
struct Scan {
    struct Open {
        const char* pos;
        bool call;  // the '(' of a call, rather than of a group
    };
    Token prev;
    std::vector<Open> open;
    const char* statement = nullptr;
};

inline Scan scan_to(const char* begin, const char* limit, const char* end) {
    Scan s;
    s.statement = lex::skip_blank(begin, end);
    for (const char* p = s.statement; p < limit;) {
        const Token t = token_at(p, end);
        if (t.kind == Token::open) s.open.push_back({p, s.prev.kind == Token::name});
        if (t.kind == Token::close && !s.open.empty()) s.open.pop_back();
        p = lex::skip_blank(t.pos + t.text.size(), end);
        if (t.kind == Token::semicolon && s.open.empty()) s.statement = p;
        s.prev = t;
    }
    return s;
}

inline std::string quote(const Token& t) {
    if (t.kind == Token::end || t.kind == Token::none) return "the end of the formula";
    constexpr std::size_t kLongest = 24;
    if (t.text.size() > kLongest) return "'" + std::string(t.text.substr(0, kLongest)) + "...'";
    return "'" + std::string(t.text) + "'";
}

inline std::string bad_character(const Token& t) {
    std::string m = "unexpected character " + quote(t);
    const char c = t.text[0];
    if (static_cast<unsigned char>(c) >= 0x80) return m + "; names use only ASCII letters, digits and '_'";
    if (c == '!') return m + "; write '!=' for 'not equal'";
    if (c == '{' || c == '}') return m + "; group with '(' and ')'";
    if (c == '.') return m + "; a number needs a digit next to its '.', as in 0.5";
    if (c == '&' || c == '|') return m + "; combine conditions with where(...), or multiply comparisons for 'and'";
    return m;
}

inline std::string stray_assign() {
    return "unexpected '=': to compare, write '=='; to bind a name, start a statement with 'name = ...;'";
}

inline std::string unmatched_close() { return "unmatched ')': there is no '(' before it to close"; }

// "column 4", or "line 2, column 4" when `p` is on another line than `near`.
inline std::string place(std::string_view source, const char* p, const char* near) {
    const Diagnostic at = make_diagnostic(source, static_cast<std::size_t>(p - source.data()), {});
    const Diagnostic other = make_diagnostic(source, static_cast<std::size_t>(near - source.data()), {});
    std::string column = "column " + std::to_string(at.column);
    return at.line == other.line ? column : "line " + std::to_string(at.line) + ", " + column;
}

// -Wswitch-enum asks every switch to list all kinds, so these choose with ifs.
inline std::string operand_expected(const Token& prev, const Token& cur) {
    const bool after_operator = prev.kind == Token::op;
    if (cur.kind == Token::end) {
        if (prev.kind == Token::none) return "empty formula: write an expression such as x^2 + 1";
        if (after_operator) return "missing operand after " + quote(prev);
        return "expected an expression after " + quote(prev) + ", but the formula ends here";
    }
    if (cur.kind == Token::close) {
        if (prev.kind == Token::open) return "empty parentheses: write an expression between '(' and ')'";
        if (prev.kind == Token::comma) return "missing argument after ','";
        if (prev.kind == Token::none) return unmatched_close();
    }
    if (cur.kind == Token::comma && prev.kind == Token::open) return "missing argument before ','";
    if (cur.kind == Token::comma && prev.kind == Token::comma) return "missing argument between ',' and ','";
    if (cur.kind == Token::assign) return stray_assign();
    if (after_operator) return "missing operand between " + quote(prev) + " and " + quote(cur);
    if (cur.kind == Token::op) return "missing operand before " + quote(cur);
    if (prev.kind == Token::none) return "expected an expression, found " + quote(cur);
    return "expected an expression after " + quote(prev) + ", found " + quote(cur);
}

inline std::string close_expected(std::string_view source, const Scan::Open& open, const Token& prev,
                                  const Token& cur) {
    const std::string to_close = "to close the '(' at " + place(source, open.pos, cur.pos);
    if (cur.kind == Token::comma) {
        if (open.call) return "missing argument before ','";
        return "expected ')' " + to_close + ", found ','; only a function call takes several arguments";
    }
    if (cur.kind == Token::op && prev.kind == Token::open) return "missing operand before " + quote(cur);
    if (cur.kind == Token::assign) return stray_assign();
    if (cur.starts_operand())
        return (open.call ? "expected an operator, ',' or ')' " : "expected an operator or ')' ") + to_close +
               ", found " + quote(cur);
    return "expected ')' " + to_close + ", found " + quote(cur);
}

inline std::string binding_end_expected(std::string_view name, const Token& cur) {
    const std::string of = " to end the binding of '" + std::string(name) + "'";
    if (cur.kind == Token::close) return unmatched_close();
    if (cur.kind == Token::assign) return "expected ';'" + of + ", found '='; to compare, write '=='";
    if (cur.starts_operand()) return "expected an operator or ';'" + of + ", found " + quote(cur);
    return "expected ';'" + of + ", found " + quote(cur);
}

inline std::string bracket_expected(const Token& cur) {
    if (cur.kind == Token::end) return "unclosed '[': expected ']' before the end of the formula";
    return "expected ']' to close the subscript or list, found " + quote(cur);
}

inline std::string declaration_expected(const Token& cur) {
    return "expected 'param' or 'data' after ':', as in 'W: param[3,4]' or 'x: data[N,3]', found " + quote(cur);
}

inline std::string dimension_expected(const Token& cur) {
    return "expected a dimension (a whole number, or N for the rows of the data) and then ',' or ']', found " +
           quote(cur);
}

inline std::string end_expected(const Token& cur) {
    if (cur.kind == Token::close) return unmatched_close();
    if (cur.kind == Token::assign)
        return "unexpected '=': bindings ('name = ...;') come before the results; to compare, write '=='";
    if (cur.kind == Token::semicolon) return "unexpected ';': remove the extra ';'";
    if (cur.kind == Token::op) return "missing operand before " + quote(cur);
    if (cur.starts_operand())
        return "missing operator before " + quote(cur) + ": write '*' to multiply, or ',' to separate results";
    return "unexpected " + quote(cur) + " after the formula";
}

}  // namespace detail

// Builds the message for the recorded failure and throws it as a ParseError.
[[noreturn]] inline void throw_failure(std::string_view source, const Failure& failure) {
    using detail::Token;
    const char* const begin = source.data();
    const char* const end = begin + source.size();
    const Token cur = detail::token_at(lex::skip_blank(failure.where, end), end);
    const detail::Scan scan = detail::scan_to(begin, cur.pos, end);
    // A formula that stops short is marked right after its last token, not at the end
    // of any comments and blank lines that follow it.
    const char* at = cur.kind == Token::end ? failure.where : cur.pos;
    std::string message;
    if (cur.kind == Token::other) {
        message = detail::bad_character(cur);
    } else if (failure.which == names::close_paren && !scan.open.empty()) {
        if (cur.kind == Token::end) {
            at = scan.open.back().pos;
            message = "unclosed '(': expected ')' before the end of the formula";
        } else {
            message = detail::close_expected(source, scan.open.back(), scan.prev, cur);
        }
    } else if (failure.which == names::binding_end) {
        const char* name = scan.statement;
        message = detail::binding_end_expected({name, static_cast<std::size_t>(lex::scan_name(name, end) - name)}, cur);
    } else if (failure.which == names::close_bracket) {
        message = detail::bracket_expected(cur);
    } else if (failure.which == names::declaration) {
        message = detail::declaration_expected(cur);
    } else if (failure.which == names::dimension) {
        message = detail::dimension_expected(cur);
    } else if (failure.which == names::end) {
        message = detail::end_expected(cur);
    } else {
        // Unary signs always match, so the operand is missing after the last of them.
        Token prev = scan.prev, next = cur;
        while (next.kind == Token::op && (next.text == "-" || next.text == "+")) {
            prev = next;
            next = detail::token_at(lex::skip_blank(next.pos + 1, end), end);
        }
        at = next.kind != Token::end ? next.pos : prev.kind != Token::none ? prev.pos + prev.text.size() : at;
        if (prev.kind == Token::none && next.kind == Token::end) at = begin;
        message = detail::operand_expected(prev, next);
    }
    throw ParseError(make_diagnostic(source, static_cast<std::size_t>(at - begin), std::move(message)));
}

// expect[p]: p must match here. On failure the first failure is recorded and the parse
// fails; once one is recorded, every expectation fails without trying.
template <class Subject>
struct expect_directive : x3::unary_parser<Subject, expect_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, expect_directive<Subject>>;
    static const bool is_pass_through_unary = true;

    constexpr expect_directive(const Subject& s) : base_type(s) {}

    template <class It, class Ctx, class RCtx, class Attr>
    bool parse(It& first, const It& last, const Ctx& ctx, RCtx& rctx, Attr& attr) const {
        Input& input = x3::get<input_tag>(ctx);
        if (input.failure) return false;
        const It start = first;
        if (this->subject.parse(first, last, ctx, rctx, attr)) return true;
        if (!input.failure) input.failure = Failure{start, x3::what(this->subject)};
        return false;
    }
};

struct expect_gen {
    template <class Subject>
    constexpr expect_directive<typename x3::extension::as_parser<Subject>::value_type> operator[](
        const Subject& subject) const {
        return {x3::as_parser(subject)};
    }
};

constexpr expect_gen expect{};

}  // namespace gradc::syntax::grammar
