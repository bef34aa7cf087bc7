// What the files of the Python module share: how an expression is held on the Python
// side, how a formula given as text or as an expression is read, and the binders each
// file defines. The module itself is a thin layer: every computation is the C++
// library's.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gradc/expr.hpp"
#include "gradc/jit.hpp"

namespace gradc::python {

namespace py = pybind11;

// An ExprContext shared by the expressions built in it: each keeps it alive, so a
// context lives as long as any of its expressions, kernels or gradients. Python's GIL
// is held whenever nodes are built, which is what makes one context safe to share
// between Python threads (ExprContext itself is not thread-safe).
struct ContextBox {
    ExprContext ctx;
};
using ContextPtr = std::shared_ptr<ContextBox>;

// gradc.Expr: a node and the context it belongs to.
struct PyExpr {
    ContextPtr context;
    Expr node = nullptr;
};

// The context gradc.parse(), gradc.symbols() and the functions use when given none.
ContextPtr default_context();

// A number or an expression of `context` as a node of it; TypeError for another type,
// ValueError for an expression of another context (nodes of two contexts never mix).
Expr as_node(py::handle value, const ContextPtr& context);

// The context of the first expression among `values`, or the default one.
ContextPtr context_of(py::args values);

// A formula with one result, given as text (parsed into a context of its own) or as an
// expression, and its variables: in order of first appearance in the text, or in the
// order their context created them.
struct Formula {
    ContextPtr context;
    Expr value = nullptr;
    std::vector<Expr> variables;
    std::string text;  // as given, or printed from the expression
    std::vector<std::pair<std::string, Expr>> bindings;  // the text's `name = ...;`, in order
};
Formula read_formula(py::handle formula);

// The variables `wrt` names (strings or variable expressions), checked to be variables of
// the formula; all of them, in order, when `wrt` is None.
std::vector<Expr> resolve_wrt(const Formula& formula, py::handle wrt);

// One Jit per set of options for the life of the process, so that a DAG compiled
// before is answered with the same code.
Jit& shared_jit(const JitOptions& options = {});

// Called from a C++ loop that runs without the GIL (an optimizer's iteration, an
// epoch): takes the GIL, turns a pending Ctrl-C into KeyboardInterrupt, then runs `call`
// (which may call back into Python). A Python exception leaves the loop as
// py::error_already_set, which unwinds it and reaches the caller.
template <typename Call>
void between_steps(Call&& call) {
    const py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    call();
}

void bind_errors(py::module_& m);
void bind_expressions(py::module_& m);
void bind_symbolic(py::module_& m);
void bind_kernels(py::module_& m);
void bind_minimize(py::module_& m);
void bind_fit(py::module_& m);
void bind_emit(py::module_& m);
void bind_explain(py::module_& m);
void bind_tune(py::module_& m);

}  // namespace gradc::python
