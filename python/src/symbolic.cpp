// gradc.grad() and gradc.hessian(): derivatives as readable expressions, printed as the
// command line prints them (`∂/∂x = 2*x*sin(y)`) and as LaTeX for notebooks.
#include <cstddef>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"

namespace gradc::python {
namespace {

// The partial derivatives of one formula, simplified for reading.
struct Gradient {
    ContextPtr context;
    Expr value = nullptr;
    std::vector<Expr> wrt;
    std::vector<Expr> partials;
    PrintOptions print;  // the formula's bindings name the parts they stand for, as in `gradc grad`

    std::string text(bool ascii) const {
        const InfixListing listing = to_infix_listing(partials, print);
        std::string out;
        for (const auto& [name, body] : listing.bindings) out += name + " = " + body + "\n";
        for (std::size_t i = 0; i < partials.size(); ++i) {
            const std::string x(wrt[i]->name());
            out += (ascii ? "d/d" + x : "∂/∂" + x) + " = " + listing.outputs[i];
            if (i + 1 < partials.size()) out += "\n";
        }
        return out;
    }

    std::string latex() const {
        std::string out = "$$\\begin{aligned}";
        for (std::size_t i = 0; i < partials.size(); ++i) {
            out += "\\frac{\\partial f}{\\partial " + to_latex(wrt[i]) + "} &= " + to_latex(partials[i]);
            if (i + 1 < partials.size()) out += " \\\\ ";
        }
        return out + "\\end{aligned}$$";
    }

    std::size_t index(py::handle key) const {
        if (py::isinstance<py::int_>(key)) {
            const auto i = key.cast<long long>();
            const auto n = static_cast<long long>(wrt.size());
            if (i < -n || i >= n) throw py::index_error("the gradient has " + std::to_string(n) + " partials");
            return static_cast<std::size_t>(i < 0 ? i + n : i);
        }
        const std::string name = py::isinstance<py::str>(key) ? key.cast<std::string>()
                                 : py::isinstance<PyExpr>(key) && key.cast<const PyExpr&>().node->is_var()
                                     ? std::string(key.cast<const PyExpr&>().node->name())
                                     : std::string(py::str(key));
        for (std::size_t i = 0; i < wrt.size(); ++i)
            if (wrt[i]->name() == name) return i;
        throw py::key_error("no partial derivative by " + name + "; the gradient is by " + to_infix(wrt));
    }
};

Gradient make_gradient(py::handle formula, py::handle wrt) {
    const Formula f = read_formula(formula);
    ExprContext& ctx = f.context->ctx;
    Gradient g{f.context, f.value, resolve_wrt(f, wrt), {}, {}};
    g.partials = simplify(ctx, gradient(ctx, f.value, g.wrt));
    std::vector<Expr> bound;
    for (const auto& binding : f.bindings) bound.push_back(binding.second);
    const std::vector<Expr> simplified = simplify(ctx, bound);
    for (std::size_t i = 0; i < simplified.size(); ++i) g.print.names.emplace_back(simplified[i], f.bindings[i].first);
    return g;
}

}  // namespace

void bind_symbolic(py::module_& m) {
    py::class_<Gradient>(m, "Gradient",
                         "The partial derivatives of a formula, simplified for reading; index by variable name.")
        .def("__str__", [](const Gradient& g) { return g.text(false); })
        .def("__repr__", [](const Gradient& g) { return g.text(false); })
        .def("text", &Gradient::text, py::arg("ascii") = false, "The lines `∂/∂x = ...` (`d/dx` with ascii=True).")
        .def("_repr_latex_", &Gradient::latex)
        .def("__len__", [](const Gradient& g) { return g.wrt.size(); })
        .def("__getitem__",
             [](const Gradient& g, py::handle key) { return PyExpr{g.context, g.partials[g.index(key)]}; })
        .def("__iter__", [](const Gradient& g) { return py::iter(py::cast(g).attr("keys")()); })
        .def("keys",
             [](const Gradient& g) {
                 py::list out;
                 for (const Expr v : g.wrt) out.append(std::string(v->name()));
                 return out;
             })
        .def("items",
             [](const Gradient& g) {
                 py::list out;
                 for (std::size_t i = 0; i < g.wrt.size(); ++i)
                     out.append(py::make_tuple(std::string(g.wrt[i]->name()), PyExpr{g.context, g.partials[i]}));
                 return out;
             })
        .def_property_readonly("value", [](const Gradient& g) { return PyExpr{g.context, g.value}; })
        .def_property_readonly("wrt", [](const Gradient& g) {
            py::tuple out(g.wrt.size());
            for (std::size_t i = 0; i < g.wrt.size(); ++i) out[i] = PyExpr{g.context, g.wrt[i]};
            return out;
        });

    m.def("grad", &make_gradient, py::arg("formula"), py::arg("wrt") = py::none(),
          "The gradient of a formula (text or gradc.Expr) by `wrt` (names or variables; default: every variable in "
          "order of first appearance), simplified: str() gives `∂/∂x = ...` lines, notebooks render LaTeX.");
    m.def(
        "hessian",
        [](py::handle formula, py::handle wrt) {
            const Formula f = read_formula(formula);
            const std::vector<Expr> vars = resolve_wrt(f, wrt);
            const auto h = hessian(f.context->ctx, f.value, vars);
            py::list rows;
            for (const auto& row : h) {
                py::list r;
                for (const Expr e : row) r.append(PyExpr{f.context, simplify(f.context->ctx, e)});
                rows.append(r);
            }
            return rows;
        },
        py::arg("formula"), py::arg("wrt") = py::none(),
        "The Hessian as a list of rows of simplified expressions (symmetric: [i][j] is [j][i]).");
    m.def(
        "simplify", [](const PyExpr& e) { return PyExpr{e.context, simplify(e.context->ctx, e.node)}; },
        py::arg("expr"));
}

}  // namespace gradc::python
