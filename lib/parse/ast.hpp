// The syntax tree of formulas, as the grammar (grammar_def.hpp) builds it.
//
// Tokens point into the source text instead of copying it: the text outlives the tree,
// and a generated formula of many megabytes then costs no string allocations. Only
// parentheses and calls nest (through Box); operator chains are flat lists, so a
// million-term sum is one vector, not a million-deep tree.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc::syntax::ast {

// Where a token starts in the source text.
using Position = const char*;

// An owning pointer that copies deeply, so a recursive node can sit in a variant and
// be passed around as a parser attribute like any value. Never null unless moved from.
template <class T>
class Box {
public:
    Box() : ptr_(std::make_unique<T>()) {}
    Box(T&& value) : ptr_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit by design
    Box(const Box& other) : ptr_(std::make_unique<T>(*other.ptr_)) {}
    Box(Box&&) noexcept = default;
    Box& operator=(const Box& other) {
        if (this != &other) ptr_ = std::make_unique<T>(*other.ptr_);
        return *this;
    }
    Box& operator=(Box&&) noexcept = default;
    ~Box() = default;

    const T& operator*() const noexcept { return *ptr_; }
    const T* operator->() const noexcept { return ptr_.get(); }

private:
    std::unique_ptr<T> ptr_;
};

struct Number {
    Position pos = nullptr;
    std::size_t length = 0;
    std::string_view text() const noexcept { return {pos, length}; }
};

struct Name {
    Position pos = nullptr;
    std::size_t length = 0;
    std::string_view text() const noexcept { return {pos, length}; }
};

struct Call;
struct Expr;
struct Postfix;
struct List;
struct Tuple;

// A number, a name, a call, a parenthesized expression, and in tensor programs a
// transpose or subscript of an operand, a list literal [1, 2] or a tuple (0, 1).
struct Operand {
    std::variant<Number, Name, Box<Call>, Box<Expr>, Box<Postfix>, Box<List>, Box<Tuple>> value;

    Operand() = default;
    explicit Operand(Number n) : value(n) {}
    explicit Operand(Name n) : value(n) {}
    explicit Operand(Call&& c);
    explicit Operand(Expr&& e);
    explicit Operand(Postfix&& p);
    explicit Operand(List&& l);
    explicit Operand(Tuple&& t);
};

// `^ -y` in `x ^ -y`: the signs bind looser than the `^` chains to their right.
struct Exponent {
    std::size_t minus = 0;  // number of unary minus signs; unary plus is dropped
    Operand operand;
};

// base ^ e1 ^ e2 ..., right-associative: base ^ (e1 ^ (e2 ...)).
struct Power {
    Operand base;
    std::vector<Exponent> exponents;
};

struct Unary {
    std::size_t minus = 0;
    Power power;
};

struct ProductTail {
    Position pos = nullptr;  // the operator
    char op = '*';           // '*', '/' or '@'
    Unary operand;
};

struct Product {
    Unary first;
    std::vector<ProductTail> rest;
};

struct SumTail {
    Position pos = nullptr;  // the operator
    char op = '+';           // '+' or '-'
    Product operand;
};

struct Sum {
    Product first;
    std::vector<SumTail> rest;
};

struct CmpOp {
    Position pos = nullptr;
    Op op = Op::Lt;
};

struct Comparison {
    CmpOp op;
    Sum operand;
};

// A comparison chain as written; lowering rejects more than one comparison.
struct Expr {
    Position pos = nullptr;  // first token
    Sum first;
    std::vector<Comparison> rest;
};

// An argument: `x`, or `axis=1` with its keyword (whose pos is null for the former).
struct Argument {
    Name keyword;
    Expr value;
};

struct Call {
    Name name;
    std::vector<Argument> args;
};

// One item of a subscript: an index `i`, `y[n]`, `2*i+1`, or a slice `start:stop:step`
// whose parts may be left out (`colons` counts the ':' written: 0 for an index).
struct Subscript {
    Position pos = nullptr;
    std::optional<Expr> start, stop, step;
    int colons = 0;
};

// x' (kind '\''), x.T (kind 'T') or x[...] (kind '[').
struct PostfixOp {
    Position pos = nullptr;
    char kind = '[';
    std::vector<Subscript> subscripts;
};

struct Postfix {
    Operand target;
    PostfixOp op;
};

struct List {
    Position pos = nullptr;  // the '['
    std::vector<Expr> items;
};

struct Tuple {
    Position pos = nullptr;  // the '('
    std::vector<Expr> items;
};

// What the grammar reads between '(' and ')': a group (one item), or a tuple (several,
// or one followed by ',' as in (N,)).
struct Group {
    Position pos = nullptr;
    std::vector<Expr> items;
    bool trailing_comma = false;
};

// `W: param[784,128]`, `y: data[N] int`: each part as a token, checked while lowering.
struct Declaration {
    Name name;
    Name kind;
    Position open = nullptr;  // the '[', or null without dimensions
    std::vector<Name> dims;   // numbers or names, as written
    Name type;                // `int`, or pos null
};

// The start of a statement's value. A statement's top-level sum is not kept as one
// tree: its terms go to lowering one at a time (see grammar.hpp).
// An index on the left side of an index-form definition, with its range when written:
// `i` or `i:3` (`n:N` for the rows).
struct IndexName {
    Name name;
    Name range;  // pos null when not written
};

struct BindingHead {
    Name name;
    std::vector<IndexName> indices;  // `h[n,j] = ...`: the index form
    Position assign = nullptr;  // the '='
};

struct Lead {  // the first term of a result, and where the result starts
    Position pos = nullptr;
    Product product;
};

inline Operand::Operand(Call&& c) : value(Box<Call>(std::move(c))) {}
inline Operand::Operand(Expr&& e) : value(Box<Expr>(std::move(e))) {}
inline Operand::Operand(Postfix&& p) : value(Box<Postfix>(std::move(p))) {}
inline Operand::Operand(List&& l) : value(Box<List>(std::move(l))) {}
inline Operand::Operand(Tuple&& t) : value(Box<Tuple>(std::move(t))) {}

}  // namespace gradc::syntax::ast
