// The grammar's interface to the rest of the parser. Spirit X3 is compile-heavy, so
// it stays inside grammar.cpp (with grammar_def.hpp and error_handler.hpp); this
// header carries no X3, only the lexical rules and the entry point.
#pragma once

#include <string_view>
#include <vector>

#include "parse/ast.hpp"

namespace gradc::syntax {

// Token shapes, shared by the grammar, its error messages and the nesting pre-scan so
// that all three agree on what a comment or a number is.
namespace lex {

inline bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_name_start(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool is_name_char(char c) noexcept { return is_name_start(c) || is_digit(c); }

// Past whitespace and `#` comments (which run to the end of the line).
inline const char* skip_blank(const char* p, const char* end) noexcept {
    while (p != end) {
        if (is_space(*p)) {
            ++p;
        } else if (*p == '#') {
            while (p != end && *p != '\n') ++p;
        } else {
            break;
        }
    }
    return p;
}

// The end of the name starting at p, or p when none does.
inline const char* scan_name(const char* p, const char* end) noexcept {
    if (p == end || !is_name_start(*p)) return p;
    while (p != end && is_name_char(*p)) ++p;
    return p;
}

inline const char* scan_digits(const char* p, const char* end) noexcept {
    while (p != end && is_digit(*p)) ++p;
    return p;
}

// The end of the number starting at p, or p when none does: `3`, `2.5`, `.5`, `5.`,
// `1e-3`. An `e` without digits after it is not part of the number (`2e` is 2, e).
inline const char* scan_number(const char* p, const char* end) noexcept {
    const char* q = scan_digits(p, end);
    const bool whole = q != p;
    if (q != end && *q == '.') {
        const char* frac = scan_digits(q + 1, end);
        if (!whole && frac == q + 1) return p;  // a lone '.'
        q = frac;
    } else if (!whole) {
        return p;
    }
    if (q != end && (*q == 'e' || *q == 'E')) {
        const char* e = q + 1;
        if (e != end && (*e == '+' || *e == '-')) ++e;
        const char* digits = scan_digits(e, end);
        if (digits != e) q = digits;
    }
    return q;
}

}  // namespace lex

// Receives a formula as the grammar reads it. The top-level terms of each binding's
// value and each result arrive one by one, so a flat sum of millions of terms never
// exists as one syntax tree, and errors surface in source order. Calls come as
//   declaration(...) alone, or binding(...) or result(...), then term(...) for each top-level term (the first with
//   '+'), then compare(...) for each comparison after them, then end_value(...).
class StatementSink {
public:
    // `W: param[3,4]` (tensor programs only).
    virtual void declaration(ast::Declaration&& declaration) = 0;
    virtual void binding(const ast::BindingHead& head) = 0;
    // `first` is false for a result after ',' in the same statement.
    virtual void result(ast::Position pos, bool first) = 0;
    // `pos` is the operator, null for the first term.
    virtual void term(char op, ast::Position pos, ast::Product&& term) = 0;
    virtual void compare(ast::Comparison&& comparison) = 0;
    // For a binding, `semicolon` is the ';' that ends it (null at the end of the text).
    virtual void end_value(ast::Position semicolon) = 0;

protected:
    ~StatementSink() = default;
};

// Reads `source` with the grammar and hands it to `sink`. Throws
// ParseError for malformed text (and whatever `sink` throws). Recurses on nesting:
// the caller bounds it (see parse.cpp).
void read_program(std::string_view source, StatementSink& sink);

}  // namespace gradc::syntax
