#include "parse/lower.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <numbers>
#include <optional>
#include <system_error>
#include <utility>

#include "gradc/error.hpp"

namespace gradc::syntax {

std::optional<double> named_constant(std::string_view name) {
    if (name == "pi") return std::numbers::pi;
    if (name == "e") return std::numbers::e;
    if (name == "inf") return std::numeric_limits<double>::infinity();
    if (name == "nan") return std::numeric_limits<double>::quiet_NaN();
    return std::nullopt;
}

namespace {

// Appends the parts in order. (Prepending to a temporary string with `"..." + s`
// trips a false -Wrestrict in GCC 12 at -O3.)
template <class... Parts>
std::string cat(const Parts&... parts) {
    std::string s;
    ((s += parts), ...);
    return s;
}

// A name in quotes, cut short when it is long: generated formulas can hold names of
// megabytes, and a message should stay readable.
std::string quoted(std::string_view s) {
    constexpr std::size_t kLongest = 24;
    return s.size() > kLongest ? cat("'", s.substr(0, kLongest), "...'") : cat("'", s, "'");
}

// Whether a number that from_chars found out of range is too large rather than too
// small: the decimal exponent of its first nonzero digit is not negative.
bool overflows(std::string_view text) {
    const std::size_t e = std::min(text.find_first_of("eE"), text.size());
    const std::string_view mantissa = text.substr(0, e);
    const std::size_t point = std::min(mantissa.find('.'), mantissa.size());
    const std::size_t first = mantissa.find_first_not_of("0.");
    if (first == std::string_view::npos) return false;  // zero is never out of range
    long long exponent =
        first < point ? static_cast<long long>(point - first) - 1 : -static_cast<long long>(first - point);
    if (e < text.size()) {
        std::string_view digits = text.substr(e + 1);
        const bool negative = digits.front() == '-';
        if (digits.front() == '-' || digits.front() == '+') digits.remove_prefix(1);
        long long written = 0;  // saturated: only its sign and size matter
        for (char c : digits) written = std::min<long long>(written * 10 + (c - '0'), 1'000'000'000'000);
        exponent += negative ? -written : written;
    }
    return exponent >= 0;
}

// The name on its own, when a term is nothing but a name: `a` in `a == 1`.
const ast::Name* bare_name(const ast::Product& p) {
    if (!p.rest.empty()) return nullptr;
    const ast::Unary& u = p.first;
    if (u.minus != 0 || !u.power.exponents.empty()) return nullptr;
    return std::get_if<ast::Name>(&u.power.base.value);
}

constexpr const char* kChainedComparison =
    "comparisons do not chain: compare two values at a time, and multiply comparisons to require both, "
    "as in (a < b)*(b < c)";

}  // namespace

Lowerer::Lowerer(ExprContext& ctx, std::string_view source) : ctx_(ctx), source_(source) {}

void Lowerer::fail(ast::Position at, std::string message) const {
    throw ParseError(make_diagnostic(source_, static_cast<std::size_t>(at - source_.data()), std::move(message)));
}

std::size_t Lowerer::line_of(ast::Position p) const {
    return make_diagnostic(source_, static_cast<std::size_t>(p - source_.data()), {}).line;
}

// --- statements ---------------------------------------------------------------------

// Bindings come first and results last; the grammar accepts any order so that a
// misplaced statement gets a message naming it.
void Lowerer::check_statement_order(ast::Position next_statement) {
    if (last_ != Last::results) return;
    if (slip_eq_ != nullptr)
        fail(slip_eq_, cat("'==' compares; to bind '", slip_name_, "', write '", slip_name_, " = ...;'"));
    fail(next_statement,
         "statement after the results: bindings ('name = ...;') come first, and several results are separated by ','");
}

void Lowerer::check_binding_name(const ast::Name& name) {
    const std::string_view text = name.text();
    if (named_constant(text))
        fail(name.pos, quoted(text) + " is a constant and cannot be rebound; choose another name");
    if (find_function(text)) fail(name.pos, quoted(text) + " is a function; choose another name for the binding");
    const auto it = names_.find(text);
    if (it == names_.end()) return;
    if (it->second.bound)
        fail(name.pos, cat(quoted(text), " is already bound on line ", std::to_string(line_of(it->second.pos)),
                           "; a binding cannot be changed, so choose a new name"));
    fail(it->second.pos, cat(quoted(text), " is bound later, on line ", std::to_string(line_of(name.pos)),
                             "; move that binding before this use"));
}

void Lowerer::tensor_syntax(ast::Position at, std::string_view what) const {
    fail(at, cat(what,
                 " belongs to tensor programs, and this formula declares no tensor: declare each tensor "
                 "before its first use, as in 'A: param[2,3]; x: data[N,3]' (docs/language.md, \"Tensors\")"));
}

void Lowerer::declaration(ast::Declaration&& d) {
    fail(d.name.pos, cat("a declaration makes this a tensor program; read it with parse_tensor_program() ",
                         "(the gradc command does so by itself)"));
}

void Lowerer::binding(const ast::BindingHead& head) {
    const ast::Name& name = head.name;
    const ast::Position assign = head.assign;
    if (!head.indices.empty())
        tensor_syntax(head.indices.front().name.pos - 1, "an index-form definition 'h[i] = ...'");
    check_statement_order(name.pos);
    check_binding_name(name);
    value_ = Value{};
    value_.is_binding = true;
    value_.name = name;
    value_.assign = assign;
}

void Lowerer::result(ast::Position pos, bool first) {
    if (first) check_statement_order(pos);
    slip_eq_ = nullptr;  // several results in one statement are no slip
    value_ = Value{};
    value_.first_result = first;
    out_.output_offsets.push_back(static_cast<std::size_t>(pos - source_.data()));
}

void Lowerer::term(char op, ast::Position, ast::Product&& p) {
    const Expr t = lower(p);
    if (value_.terms++ == 0) {
        value_.sum = t;
        if (const ast::Name* n = bare_name(p)) value_.lone_name = *n;
    } else {
        value_.sum = ctx_.make(op == '+' ? Op::Add : Op::Sub, value_.sum, t);
        value_.lone_name = {};
    }
}

void Lowerer::compare(ast::Comparison&& c) {
    if (value_.compared != nullptr) fail(c.op.pos, kChainedComparison);
    const Expr rhs = lower(c.operand);
    value_.compared = ctx_.make(c.op.op, value_.sum, rhs);
    value_.comparison = c.op;
}

void Lowerer::end_value(ast::Position semicolon) {
    const Expr v = value_.compared != nullptr ? value_.compared : value_.sum;
    if (value_.is_binding) {
        const std::string_view name = value_.name.text();
        const auto [it, fresh] = names_.try_emplace(name, NameEntry{v, value_.name.pos, true});
        if (!fresh)
            fail(it->second.pos,
                 quoted(name) + " is used in its own binding; a binding can only use names bound before it");
        out_.program.bindings.emplace_back(std::string(name), v);
        value_.semicolon = semicolon;
        last_binding_ = value_;
        last_ = Last::binding;
        return;
    }
    out_.program.outputs.push_back(v);
    last_ = Last::results;
    if (value_.first_result && value_.lone_name.pos != nullptr && value_.compared != nullptr &&
        value_.comparison.op == Op::Eq) {
        slip_eq_ = value_.comparison.pos;
        slip_name_ = value_.lone_name.text();
    }
}

LoweredProgram Lowerer::finish() && {
    if (last_ == Last::binding) {
        const std::string_view name = last_binding_.name.text();
        if (last_binding_.semicolon == nullptr)
            fail(last_binding_.assign,
                 cat("the formula ends with the binding of '", name, "': write the result to compute after ';' (as in ",
                     name, " = ...; ", name, "^2), or '==' to compare"));
        fail(last_binding_.semicolon,
             cat("missing result: after the bindings, write the expression to compute (as in ...; ", name, ")"));
    }
    GRADC_ASSERT(last_ == Last::results, "the grammar accepted a formula without statements");
    return std::move(out_);
}

// --- expressions --------------------------------------------------------------------

Expr Lowerer::lower(const ast::Expr& e) {
    const Expr lhs = lower(e.first);
    if (e.rest.empty()) return lhs;
    const Expr rhs = lower(e.rest[0].operand);
    if (e.rest.size() > 1) fail(e.rest[1].op.pos, kChainedComparison);
    return ctx_.make(e.rest[0].op.op, lhs, rhs);
}

Expr Lowerer::lower(const ast::Sum& s) {
    Expr acc = lower(s.first);
    for (const ast::SumTail& t : s.rest) {
        const Expr rhs = lower(t.operand);
        acc = ctx_.make(t.op == '+' ? Op::Add : Op::Sub, acc, rhs);
    }
    return acc;
}

Expr Lowerer::lower(const ast::Product& p) {
    Expr acc = negate(lower(p.first.power), p.first.minus);
    for (const ast::ProductTail& t : p.rest) {
        if (t.op == '@') tensor_syntax(t.pos, "the matrix product '@'");
        const Expr rhs = negate(lower(t.operand.power), t.operand.minus);
        acc = ctx_.make(t.op == '*' ? Op::Mul : Op::Div, acc, rhs);
    }
    return acc;
}

Expr Lowerer::negate(Expr e, std::size_t times) {
    for (std::size_t i = 0; i < times; ++i) e = ctx_.neg(e);
    return e;
}

// base ^ e1 ^ ... ^ en is base ^ (e1 ^ (... ^ en)), and the signs written before ei
// apply to ei ^ (...): 2^-x^2 is 2^(-(x^2)). Operands are lowered left to right (so
// variables keep source order), then folded from the right with a loop.
Expr Lowerer::lower(const ast::Power& p) {
    const Expr base = lower(p.base);
    if (p.exponents.empty()) return base;
    const std::size_t first = scratch_.size();
    for (const ast::Exponent& x : p.exponents) {
        const Expr operand = lower(x.operand);
        scratch_.push_back(operand);
    }
    std::size_t i = p.exponents.size() - 1;
    Expr acc = negate(scratch_[first + i], p.exponents[i].minus);
    while (i-- > 0) acc = negate(ctx_.pow(scratch_[first + i], acc), p.exponents[i].minus);
    scratch_.resize(first);
    return ctx_.pow(base, acc);
}

Expr Lowerer::lower(const ast::Operand& o) {
    switch (o.value.index()) {
        case 0: return lower_number(std::get<ast::Number>(o.value));
        case 1: return lower_name(std::get<ast::Name>(o.value));
        case 2: return lower_call(*std::get<ast::Box<ast::Call>>(o.value));
        case 3: return lower(*std::get<ast::Box<ast::Expr>>(o.value));
        case 4: {
            const ast::Postfix& postfix = *std::get<ast::Box<ast::Postfix>>(o.value);
            const ast::PostfixOp& op = postfix.op;
            if (const ast::Name* n = std::get_if<ast::Name>(&postfix.target.value);
                n != nullptr && op.kind == '[' && find_function(n->text()))
                fail(op.pos,
                     cat(quoted(n->text()), " is a function: call it with parentheses, as in ", n->text(), "(x)"));
            tensor_syntax(op.pos, op.kind == '[' ? "a subscript '[...]'" : "a transpose");
        }
        case 5:
            fail(std::get<ast::Box<ast::List>>(o.value)->pos,
                 "unexpected '[': group with '(' and ')'; lists and subscripts belong to tensor programs, which "
                 "declare their tensors first, as in 'A: param[2,3]' (docs/language.md, \"Tensors\")");
        default: {
            // As before tuples were read: the ',' is where a group should have closed.
            const ast::Tuple& t = *std::get<ast::Box<ast::Tuple>>(o.value);
            if (t.items.empty())  // () is the empty tuple of tensor programs
                fail(lex::skip_blank(t.pos + 1, source_.data() + source_.size()),
                     "empty parentheses: write an expression between '(' and ')'");
            ast::Position comma = t.pos + 1;
            for (int depth = 0; depth > 0 || *comma != ','; ++comma) {
                if (*comma == '(' || *comma == '[') ++depth;
                if (*comma == ')' || *comma == ']') --depth;
                if (*comma == '#') comma = lex::skip_blank(comma, source_.data() + source_.size()) - 1;
            }
            const Diagnostic open = make_diagnostic(source_, static_cast<std::size_t>(t.pos - source_.data()), {});
            const Diagnostic at = make_diagnostic(source_, static_cast<std::size_t>(comma - source_.data()), {});
            const std::string column = "column " + std::to_string(open.column);
            fail(comma, cat("expected ')' to close the '(' at ",
                            open.line == at.line ? column : cat("line ", std::to_string(open.line), ", ", column),
                            ", found ','; only a function call takes several arguments"));
        }
    }
}

Expr Lowerer::lower_number(const ast::Number& n) {
    double value = 0.0;
    const auto [end, ec] = std::from_chars(n.pos, n.pos + n.length, value);
    if (ec == std::errc::result_out_of_range) {
        if (overflows(n.text()))
            fail(n.pos, cat("number out of range: ", n.text(),
                            " is larger than the largest double (about 1.8e308); write inf for infinity"));
        fail(n.pos, cat("number out of range: ", n.text(),
                        " is smaller than the smallest double (about 4.9e-324); write 0 for zero"));
    }
    GRADC_ASSERT(ec == std::errc() && end == n.pos + n.length, "the grammar passed a malformed number");
    return ctx_.constant(value);
}

Expr Lowerer::lower_name(const ast::Name& n) {
    const std::string_view name = n.text();
    if (auto it = names_.find(name); it != names_.end()) return it->second.node;
    if (auto c = named_constant(name)) return ctx_.constant(*c);
    if (find_function(name)) fail(n.pos, cat(quoted(name), " is a function: call it as ", name, "(...)"));
    const Expr v = ctx_.variable(name);
    names_.emplace(name, NameEntry{v, n.pos, false});
    out_.program.variables.push_back(v);
    return v;
}

Expr Lowerer::lower_call(const ast::Call& c) {
    for (const ast::Argument& a : c.args) {
        if (a.keyword.pos == nullptr) continue;
        if (a.keyword.text() == "axis") tensor_syntax(a.keyword.pos, "the keyword argument 'axis='");
        fail(lex::skip_blank(a.keyword.pos + a.keyword.length, source_.data() + source_.size()),
             "unexpected '=': to compare, write '=='; to bind a name, start a statement with 'name = ...;'");
    }
    const std::string_view name = c.name.text();
    const FunctionSpelling* f = find_function(name);
    if (f == nullptr) {
        const std::string multiply = cat("; to multiply, write ", name, "*(...)");
        if (named_constant(name)) fail(c.name.pos, quoted(name) + " is a constant, not a function" + multiply);
        if (auto it = names_.find(name); it != names_.end())
            fail(c.name.pos, quoted(name) + (it->second.bound ? " is a binding" : " is a variable") +
                                 ", not a function" + multiply);
        if (const std::string_view guess = closest_function(name); !guess.empty())
            fail(c.name.pos, cat("unknown function ", quoted(name), "; did you mean ", quoted(guess), "?"));
        fail(c.name.pos, cat("unknown function ", quoted(name), multiply));
    }
    const auto arity = static_cast<std::size_t>(op_info(f->op).arity);
    if (c.args.size() != arity)
        fail(c.name.pos, std::string(name) + " takes " + std::to_string(arity) +
                             (arity == 1 ? " argument, got " : " arguments, got ") + std::to_string(c.args.size()));
    Expr args[3] = {nullptr, nullptr, nullptr};
    for (std::size_t i = 0; i < arity; ++i) args[i] = lower(c.args[i].value);
    return ctx_.make(f->op, std::span<const Expr>(args, arity));
}

}  // namespace gradc::syntax
