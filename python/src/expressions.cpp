// gradc.Context and gradc.Expr: expressions built with Python's operators and gradc's
// functions (`x**2 * gradc.sin(y)`), which are the same nodes the parser builds from
// "x^2*sin(y)" in the same context.
#include <Python.h>

#include <pybind11/stl.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bindings.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/parse.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"

namespace gradc::python {
namespace {

std::vector<std::string> split_names(std::string_view names) {
    std::vector<std::string> out;
    std::string current;
    for (const char c : names) {
        if (c == ' ' || c == ',' || c == '\t' || c == '\n') {
            if (!current.empty()) out.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) out.push_back(std::move(current));
    return out;
}

// A name the parser would read back as this variable: `symbols("x y")` and `var("x")`
// must make variables that formulas can name.
Expr checked_variable(ExprContext& ctx, const std::string& name) {
    Program p;
    try {
        p = parse(ctx, name);
    } catch (const ParseError&) {}
    if (p.outputs.size() != 1 || !p.outputs[0]->is_var() || p.outputs[0]->name() != name)
        throw py::value_error("'" + name +
                              "' is not a variable name: use letters, digits and '_', starting with a letter, "
                              "and not a name the language gives a constant or a function (pi, e, inf, nan, sin, ...)");
    return p.outputs[0];
}

py::tuple make_symbols(const ContextPtr& context, std::string_view names) {
    const std::vector<std::string> list = split_names(names);
    if (list.empty()) throw py::value_error("symbols() needs at least one name, as in symbols(\"x y\")");
    py::tuple out(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) out[i] = PyExpr{context, checked_variable(context->ctx, list[i])};
    return out;
}

PyExpr parse_one(const ContextPtr& context, std::string_view text) {
    return PyExpr{context, parse_expr(context->ctx, text)};
}

// In the order the context created them (symbols("x y"): x, then y), as fit() orders a
// model built in a context; for parsed text, that is the order of first appearance.
std::vector<Expr> variables_of(Expr e) {
    std::vector<Expr> out = free_variables(std::span<const Expr>(&e, 1));
    std::sort(out.begin(), out.end(), [](Expr a, Expr b) { return a->id() < b->id(); });
    return out;
}

py::tuple as_tuple(const ContextPtr& context, const std::vector<Expr>& nodes) {
    py::tuple out(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) out[i] = PyExpr{context, nodes[i]};
    return out;
}

double evaluate_at(const PyExpr& e, const py::kwargs& values) {
    const std::vector<Expr> variables = variables_of(e.node);
    std::vector<double> at;
    for (const Expr v : variables) {
        const std::string name(v->name());
        if (!values.contains(name)) throw SemanticError("no value for " + name + ": pass " + name + "=...");
        at.push_back(values[name.c_str()].cast<double>());
    }
    for (const auto& [key, value] : values) {
        const std::string name = key.cast<std::string>();
        const Expr v = e.context->ctx.find_variable(name);
        if (v == nullptr || std::find(variables.begin(), variables.end(), v) == variables.end())
            throw SemanticError("the expression does not use " + name + "; it reads " +
                                (variables.empty() ? std::string("no variable") : to_infix(variables)));
    }
    return evaluate(e.node, variables, at);
}

// One of gradc's functions as a Python function of numbers and expressions.
py::object call_op(Op op, std::string_view name, const py::args& args) {
    const int arity = op_info(op).arity;
    if (static_cast<int>(args.size()) != arity)
        throw py::type_error(std::string(name) + "() takes " + std::to_string(arity) + " argument" +
                             (arity == 1 ? "" : "s") + " (" + std::to_string(args.size()) + " given)");
    const ContextPtr context = context_of(args);
    std::vector<Expr> nodes;
    for (const py::handle a : args) nodes.push_back(as_node(a, context));
    return py::cast(PyExpr{context, context->ctx.make(op, nodes)});
}

template <Op op>
PyExpr binary(const PyExpr& a, py::handle b) {
    return PyExpr{a.context, a.context->ctx.make(op, a.node, as_node(b, a.context))};
}
template <Op op>
PyExpr reflected(const PyExpr& a, py::handle b) {
    return PyExpr{a.context, a.context->ctx.make(op, as_node(b, a.context), a.node)};
}

}  // namespace

ContextPtr default_context() {
    static const ContextPtr context = std::make_shared<ContextBox>();
    return context;
}

Expr as_node(py::handle value, const ContextPtr& context) {
    if (py::isinstance<PyExpr>(value)) {
        const PyExpr& e = value.cast<const PyExpr&>();
        if (e.context != context)
            throw py::value_error(
                "these expressions belong to different gradc.Context objects, whose nodes cannot be combined: "
                "build them in one context (context.symbols(...), context.parse(...), or the default context)");
        return e.node;
    }
    if (py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value) || !PyNumber_Check(value.ptr()))
        throw py::type_error("a gradc expression takes numbers and gradc.Expr, not " +
                             std::string(py::str(value.get_type().attr("__name__"))) +
                             (py::isinstance<py::str>(value) ? ": parse text with gradc.parse()" : ""));
    return context->ctx.constant(py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>());
}

ContextPtr context_of(py::args values) {
    for (const py::handle v : values)
        if (py::isinstance<PyExpr>(v)) return v.cast<const PyExpr&>().context;
    return default_context();
}

Formula read_formula(py::handle formula) {
    Formula out;
    if (py::isinstance<PyExpr>(formula)) {
        const PyExpr& e = formula.cast<const PyExpr&>();
        out.context = e.context;
        out.value = e.node;
        out.variables = variables_of(e.node);
        out.text = to_infix(e.node);
        return out;
    }
    if (!py::isinstance<py::str>(formula))
        throw py::type_error("a formula is text or a gradc.Expr, not " +
                             std::string(py::str(formula.get_type().attr("__name__"))));
    out.text = formula.cast<std::string>();
    out.context = std::make_shared<ContextBox>();
    Program program = parse(out.context->ctx, out.text);
    if (program.outputs.size() != 1)
        throw Error("the formula has " + std::to_string(program.outputs.size()) +
                    " results; give one (a binding `r = ...;` may come before it)");
    out.value = program.outputs[0];
    out.variables = std::move(program.variables);
    out.bindings = std::move(program.bindings);
    return out;
}

std::vector<Expr> resolve_wrt(const Formula& formula, py::handle wrt) {
    if (wrt.is_none()) return formula.variables;
    std::vector<py::handle> items;
    if (py::isinstance<py::str>(wrt) || py::isinstance<PyExpr>(wrt))
        items.push_back(wrt);
    else
        for (const py::handle item : wrt) items.push_back(item);
    std::vector<Expr> out;
    for (const py::handle item : items) {
        Expr v = nullptr;
        if (py::isinstance<py::str>(item)) {
            v = formula.context->ctx.find_variable(item.cast<std::string>());
        } else {
            v = as_node(item, formula.context);
            if (!v->is_var()) throw py::value_error("wrt takes variables, not " + to_infix(v));
        }
        if (v == nullptr || std::find(formula.variables.begin(), formula.variables.end(), v) == formula.variables.end())
            throw py::value_error("wrt names " + std::string(py::str(item)) + ", which the formula does not use; " +
                                  "its variables are " + to_infix(formula.variables));
        if (std::find(out.begin(), out.end(), v) != out.end())
            throw py::value_error("wrt names " + std::string(v->name()) + " twice");
        out.push_back(v);
    }
    return out;
}

void bind_expressions(py::module_& m) {
    py::class_<ContextBox, ContextPtr>(m, "Context",
                                       "Owns expressions: nodes of two contexts never mix. Expressions, gradients "
                                       "and kernels keep their context alive.")
        .def(py::init<>())
        .def("symbols", &make_symbols, py::arg("names"), "Variables named in `names` (\"x y\" or \"x, y\").")
        .def(
            "var",
            [](const ContextPtr& c, const std::string& name) { return PyExpr{c, checked_variable(c->ctx, name)}; },
            py::arg("name"))
        .def("parse", &parse_one, py::arg("text"), "The expression a formula with one result means.")
        .def("constant", [](const ContextPtr& c, double v) { return PyExpr{c, c->ctx.constant(v)}; })
        .def_property_readonly("node_count", [](const ContextPtr& c) { return c->ctx.node_count(); })
        .def_property(
            "max_nodes", [](const ContextPtr& c) { return c->ctx.max_nodes(); },
            [](const ContextPtr& c, std::size_t n) { c->ctx.set_max_nodes(n); });

    py::class_<PyExpr> expr(m, "Expr",
                            "An expression: an immutable node of a hash-consed DAG. Equal expressions of one "
                            "context are the same node, so == compares whole expressions at once.");
    expr.def("__str__", [](const PyExpr& e) { return to_infix(e.node); })
        .def("__repr__", [](const PyExpr& e) { return to_infix(e.node); })
        .def("_repr_latex_", [](const PyExpr& e) { return "$" + to_latex(e.node) + "$"; })
        .def("latex", [](const PyExpr& e) { return to_latex(e.node); })
        .def("dot", [](const PyExpr& e) { return to_dot(std::span<const Expr>(&e.node, 1)); })
        .def_property_readonly("context", [](const PyExpr& e) { return e.context; })
        .def_property_readonly("variables", [](const PyExpr& e) { return as_tuple(e.context, variables_of(e.node)); })
        .def_property_readonly("args",
                               [](const PyExpr& e) {
                                   return as_tuple(e.context,
                                                   std::vector<Expr>(e.node->args().begin(), e.node->args().end()));
                               })
        .def_property_readonly("op", [](const PyExpr& e) { return std::string(op_info(e.node->op()).spelling); })
        .def_property_readonly("is_variable", [](const PyExpr& e) { return e.node->is_var(); })
        .def_property_readonly("is_constant", [](const PyExpr& e) { return e.node->is_const(); })
        .def_property_readonly("name",
                               [](const PyExpr& e) {
                                   if (!e.node->is_var())
                                       throw py::value_error(to_infix(e.node) + " is not a variable");
                                   return std::string(e.node->name());
                               })
        .def("__float__",
             [](const PyExpr& e) {
                 if (!e.node->is_const())
                     throw py::type_error(to_infix(e.node) + " is not a number: evaluate it with .evaluate(x=...)");
                 return e.node->value();
             })
        .def(
            "simplify", [](const PyExpr& e) { return PyExpr{e.context, simplify(e.context->ctx, e.node)}; },
            "A readable canonical form for printing (docs/simplify.md); compiled code uses the expression as built.")
        .def(
            "diff",
            [](const PyExpr& e, py::handle x, int order) {
                const Expr v = py::isinstance<py::str>(x) ? checked_variable(e.context->ctx, x.cast<std::string>())
                                                          : as_node(x, e.context);
                if (!v->is_var()) throw py::value_error("diff() differentiates by a variable, not " + to_infix(v));
                if (order < 0) throw py::value_error("diff() takes an order of 0 or more");
                return PyExpr{e.context, diff(e.context->ctx, e.node, v, order)};
            },
            py::arg("x"), py::arg("order") = 1, "The order-th derivative by the variable x (unsimplified).")
        .def("evaluate", &evaluate_at, "The value at the point given by keywords (x=1.0, y=2.0), by the interpreter.")
        .def("__eq__",
             [](const PyExpr& a, py::handle b) {
                 return py::isinstance<PyExpr>(b) && b.cast<const PyExpr&>().context == a.context &&
                        b.cast<const PyExpr&>().node == a.node;
             })
        .def("__ne__",
             [](const PyExpr& a, py::handle b) {
                 return !(py::isinstance<PyExpr>(b) && b.cast<const PyExpr&>().context == a.context &&
                          b.cast<const PyExpr&>().node == a.node);
             })
        .def("__hash__", [](const PyExpr& e) { return static_cast<std::size_t>(e.node->structural_hash()); })
        .def("__add__", &binary<Op::Add>)
        .def("__radd__", &reflected<Op::Add>)
        .def("__sub__", &binary<Op::Sub>)
        .def("__rsub__", &reflected<Op::Sub>)
        .def("__mul__", &binary<Op::Mul>)
        .def("__rmul__", &reflected<Op::Mul>)
        .def("__truediv__", &binary<Op::Div>)
        .def("__rtruediv__", &reflected<Op::Div>)
        .def("__pow__", &binary<Op::Pow>)
        .def("__rpow__", &reflected<Op::Pow>)
        .def("__lt__", &binary<Op::Lt>)
        .def("__le__", &binary<Op::Le>)
        .def("__gt__", &binary<Op::Gt>)
        .def("__ge__", &binary<Op::Ge>)
        .def("__neg__", [](const PyExpr& e) { return PyExpr{e.context, e.context->ctx.neg(e.node)}; })
        .def("__pos__", [](const PyExpr& e) { return e; })
        .def("__abs__", [](const PyExpr& e) { return PyExpr{e.context, e.context->ctx.make(Op::Abs, e.node)}; });
    // NumPy scalars on the left (np.float64(2) * x) defer to Expr's reflected operators.
    expr.attr("__array_ufunc__") = py::none();

    m.def("default_context", &default_context,
          "The context gradc.parse(), symbols() and the functions use by default.");
    m.def(
        "parse",
        [](const std::string& text, const std::optional<ContextPtr>& context) {
            return parse_one(context ? *context : default_context(), text);
        },
        py::arg("text"), py::arg("context") = py::none(),
        "The expression a formula with one result means (docs/language.md), in `context` or the default one.");
    m.def(
        "symbols",
        [](const std::string& names, const std::optional<ContextPtr>& context) {
            return make_symbols(context ? *context : default_context(), names);
        },
        py::arg("names"), py::arg("context") = py::none(), "Variables named in `names` (\"x y\" or \"x, y\").");
    m.def(
        "var",
        [](const std::string& name, const std::optional<ContextPtr>& context) {
            const ContextPtr c = context ? *context : default_context();
            return PyExpr{c, checked_variable(c->ctx, name)};
        },
        py::arg("name"), py::arg("context") = py::none());
    for (const FunctionSpelling& f : function_spellings()) {
        if (py::hasattr(m, std::string(f.name).c_str())) continue;
        const Op op = f.op;
        const std::string name(f.name);
        m.def(
            name.c_str(), [op, name](const py::args& args) { return call_op(op, name, args); },
            ("gradc's " + name + ": numbers and expressions in, an expression out").c_str());
    }
}

}  // namespace gradc::python
