// Calls in tensor programs: every scalar function elementwise, and the functions of
// the matrix form with NumPy's names and keywords: reductions over axes (sum, amax,
// max(x, axis=...), mean, logsumexp, softmax, log_softmax), the pick
// take_along_axis(x, y, axis=k), and diag, outer, eye, transpose, reshape,
// broadcast_to, full, pad. `max(a, b)` with two operands stays the elementwise maximum;
// `max(x, axis=1)` reduces: the keyword tells them apart.
#include "parse/lower.hpp"
#include "parse/lower_tensor.hpp"

namespace gradc::syntax {

namespace {

// The arguments of a call, positional and by keyword.
struct Arguments {
    std::vector<const ast::Expr*> positional;
    std::vector<std::pair<std::string_view, const ast::Expr*>> keywords;

    const ast::Expr* keyword(std::string_view name) const {
        for (const auto& [k, e] : keywords)
            if (k == name) return e;
        return nullptr;
    }
};

// What each tensor function takes: positional arguments (min, max) and keywords.
struct TensorFunction {
    std::string_view name;
    std::size_t min_args, max_args;
    std::string_view keywords;  // space-separated
    std::string_view usage;
};

constexpr TensorFunction kTensorFunctions[] = {
    {"sum", 1, 1, "axis", "sum(x) or sum(x, axis=1)"},
    {"amax", 1, 1, "axis", "amax(x) or amax(x, axis=1)"},
    {"mean", 1, 1, "axis", "mean(x) or mean(x, axis=0)"},
    {"logsumexp", 1, 1, "axis", "logsumexp(z) or logsumexp(z, axis=1)"},
    {"softmax", 1, 1, "axis", "softmax(z, axis=1)"},
    {"log_softmax", 1, 1, "axis", "log_softmax(z, axis=1)"},
    {"take_along_axis", 2, 2, "axis", "take_along_axis(z, y, axis=1)"},
    {"diag", 1, 1, "", "diag(v) or diag(M)"},
    {"outer", 2, 2, "", "outer(a, b)"},
    {"eye", 1, 1, "", "eye(3)"},
    {"transpose", 1, 2, "", "transpose(x) or transpose(x, (2, 0, 1))"},
    {"reshape", 2, 2, "", "reshape(x, (N, 4))"},
    {"broadcast_to", 2, 2, "", "broadcast_to(x, (N, 3))"},
    {"full", 2, 2, "", "full((2, 3), 0.5)"},
    {"pad", 2, 2, "axis", "pad(x, (1, 2), axis=0)"},
};

// Whether `keywords` (space-separated) lists `k`.
bool lists(std::string_view keywords, std::string_view k) {
    while (!keywords.empty()) {
        const std::size_t space = std::min(keywords.find(' '), keywords.size());
        if (keywords.substr(0, space) == k) return true;
        keywords.remove_prefix(std::min(space + 1, keywords.size()));
    }
    return false;
}

const TensorFunction* find_tensor_function(std::string_view name) {
    for (const TensorFunction& f : kTensorFunctions)
        if (f.name == name) return &f;
    return nullptr;
}

}  // namespace

bool is_tensor_function(std::string_view name) noexcept { return find_tensor_function(name) != nullptr; }

Lazy TensorLowerer::lower_call(const ast::Call& c) {
    const std::string_view name = c.name.text();
    Arguments args;
    for (const ast::Argument& a : c.args) {
        if (a.keyword.pos == nullptr) {
            if (!args.keywords.empty()) fail(a.value.pos, "a positional argument after a keyword argument");
            args.positional.push_back(&a.value);
        } else {
            if (args.keyword(a.keyword.text()))
                fail(a.keyword.pos, "the keyword " + quoted(a.keyword.text()) + " is given twice");
            args.keywords.emplace_back(a.keyword.text(), &a.value);
        }
    }
    const bool reduction_name = name == "sum" || name == "amax";
    // sum(i, body) in an index form; sum(x) and sum(x, axis=k) everywhere.
    if (reduction_name && args.positional.size() >= 2 && args.keywords.empty()) {
        // The index names come first: names that are no tensor.
        const ast::Operand* o = lone_operand(*args.positional[0]);
        const ast::Name* i = o ? std::get_if<ast::Name>(&o->value) : nullptr;
        if (i == nullptr || names_.count(i->text()) != 0)
            fail(c.name.pos, std::string(name) + "(i, ...) " + (name == "sum" ? "sums" : "takes the largest") +
                                 " over the index i, as in h[n] = " + std::string(name) +
                                 "(i, x[n,i]); over an axis, write " + std::string(name) + "(x, axis=1)");
        return lower_index_reduction(c, name == "amax");
    }
    const TensorFunction* f = find_tensor_function(name);
    if (name == "max" && args.keyword("axis")) f = find_tensor_function("amax");
    if (f == nullptr) {
        const FunctionSpelling* scalar = find_function(name);
        if (scalar == nullptr) {
            if (names_.count(name) != 0)
                fail(c.name.pos, quoted(name) + " is a tensor, not a function; to multiply, write " +
                                     std::string(name) + " * (...)");
            const std::string_view guess = closest_function(name);
            fail(c.name.pos,
                 "unknown function " + quoted(name) + (guess.empty() ? "" : "; did you mean " + quoted(guess) + "?"));
        }
        if (!args.keywords.empty()) {
            const std::string_view k = args.keywords.front().first;
            fail(lex::skip_blank(k.data() + k.size(), source_.data() + source_.size()),
                 "unexpected '=': to compare, write '=='; " + quoted(name) + " takes no keyword arguments");
        }
        const auto arity = static_cast<std::size_t>(op_info(scalar->op).arity);
        if (args.positional.size() != arity)
            fail(c.name.pos, std::string(name) + " takes " + std::to_string(arity) +
                                 (arity == 1 ? " argument, got " : " arguments, got ") +
                                 std::to_string(args.positional.size()));
        std::vector<Lazy> values;
        for (const ast::Expr* e : args.positional) values.push_back(lower(*e));
        return apply(scalar->op, values, c.name.pos);
    }
    if (in_index_form())
        fail(c.name.pos, quoted(name) +
                             " is a function of the matrix form; in an index-form definition, write the "
                             "elements (sum(i, ...), amax(i, ...))");
    if (args.positional.size() < f->min_args || args.positional.size() > f->max_args)
        fail(c.name.pos, std::string(name) + " takes " + std::to_string(f->min_args) +
                             (f->max_args != f->min_args ? " or " + std::to_string(f->max_args) : "") +
                             " positional arguments, got " + std::to_string(args.positional.size()) + ": write " +
                             std::string(f->usage));
    for (const auto& [k, e] : args.keywords)
        if (!lists(f->keywords, k))
            fail(e->pos, quoted(name) + " takes no keyword " + quoted(k) + ": write " + std::string(f->usage));
    return lower_tensor_function(f->name, c, args.positional, args.keyword("axis"));
}

}  // namespace gradc::syntax
