// gradc.minimize(): a formula's minimum by L-BFGS or a first-order optimizer
// (docs/optimizers.md), on its compiled point kernel. The loop runs without the GIL;
// between iterations it takes the GIL to call the callback and to notice Ctrl-C, which
// stops the run with KeyboardInterrupt.
#include <pybind11/stl.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "gradc/optimize.hpp"
#include "gradc/print.hpp"

namespace gradc::python {
namespace {

struct Minimum {
    MinimizeResult result;
    std::vector<std::string> names;

    py::dict by_name(const std::vector<double>& values) const {
        py::dict out;
        for (std::size_t i = 0; i < names.size(); ++i) out[py::str(names[i])] = values[i];
        return out;
    }
};

std::string reason_name(StopReason reason) {
    switch (reason) {
        case StopReason::GradientTolerance: return "gradient_tolerance";
        case StopReason::ValueTolerance: return "value_tolerance";
        case StopReason::MaxIterations: return "max_iterations";
        case StopReason::Diverged: return "diverged";
        case StopReason::Unbounded: return "unbounded";
        case StopReason::LineSearchFailed: return "line_search_failed";
        case StopReason::BadStart: return "bad_start";
    }
    return "unknown";
}

// The starting point: a dict by name (every variable) or a sequence in variable order.
std::vector<double> start_point(const Formula& f, py::handle x0) {
    std::vector<double> out;
    if (py::isinstance<py::dict>(x0)) {
        const py::dict given = py::reinterpret_borrow<py::dict>(x0);
        for (const Expr v : f.variables) {
            const std::string name(v->name());
            if (!given.contains(name))
                throw py::value_error("x0 has no value for " + name + "; the formula's variables are " +
                                      to_infix(f.variables));
            out.push_back(given[py::str(name)].cast<double>());
        }
        for (const auto& [key, value] : given) {
            const std::string name = py::str(key);
            const Expr v = f.context->ctx.find_variable(name);
            if (v == nullptr || std::find(f.variables.begin(), f.variables.end(), v) == f.variables.end())
                throw py::value_error("x0 names " + name + ", which the formula does not use");
        }
        return out;
    }
    for (const py::handle value : x0) out.push_back(value.cast<double>());
    if (out.size() != f.variables.size())
        throw py::value_error("x0 has " + std::to_string(out.size()) + " values; the formula has " +
                              std::to_string(f.variables.size()) + " variables (" + to_infix(f.variables) + ")");
    return out;
}

Minimum run_minimize(py::handle formula, py::handle x0, const std::string& method, std::optional<double> lr,
                     std::size_t max_iterations, double gradient_tolerance, std::optional<double> value_tolerance,
                     const std::string& schedule, const py::object& callback) {
    const Formula f = read_formula(formula);
    MinimizeOptions options;
    options.method = method_named(method);
    options.learning_rate = lr;
    options.max_iterations = max_iterations;
    options.gradient_tolerance = gradient_tolerance;
    options.value_tolerance = value_tolerance;
    if (!schedule.empty()) options.schedule = Schedule::named(schedule);
    const std::vector<double> start = start_point(f, x0);
    const Kernel kernel = compile_point(shared_jit(), f.context->ctx, f.value, f.variables);
    Minimum out;
    for (const Expr v : f.variables) out.names.emplace_back(v->name());
    options.on_iteration = [&](const MinimizeResult& progress) {
        between_steps([&] {
            if (!callback.is_none()) callback(progress.iterations, progress.value, out.by_name(progress.x));
        });
    };
    const Objective objective = kernel_objective(kernel);
    const py::gil_scoped_release release;
    out.result = minimize(objective, start, options);
    return out;
}

}  // namespace

void bind_minimize(py::module_& m) {
    py::class_<Minimum>(m, "MinimizeResult", "Where gradc.minimize() stopped, and why.")
        .def_property_readonly(
            "x", [](const Minimum& r) { return r.by_name(r.result.x); }, "The point, by name.")
        .def_property_readonly("value", [](const Minimum& r) { return r.result.value; })
        .def_property_readonly("gradient", [](const Minimum& r) { return r.by_name(r.result.gradient); })
        .def_property_readonly("iterations", [](const Minimum& r) { return r.result.iterations; })
        .def_property_readonly("evaluations", [](const Minimum& r) { return r.result.evaluations; })
        .def_property_readonly("converged", [](const Minimum& r) { return r.result.converged; })
        .def_property_readonly("reason", [](const Minimum& r) { return reason_name(r.result.reason); })
        .def_property_readonly("message", [](const Minimum& r) { return r.result.message; })
        .def("__repr__", [](const Minimum& r) {
            std::string x;
            for (std::size_t i = 0; i < r.names.size(); ++i)
                x += (i ? ", " : "") + r.names[i] + "=" + shortest_number(r.result.x[i]);
            return "<gradc.MinimizeResult " + x + ", value " + shortest_number(r.result.value) + ", " +
                   reason_name(r.result.reason) + " after " + std::to_string(r.result.iterations) + " iterations>";
        });

    m.def("minimize", &run_minimize, py::arg("formula"), py::arg("x0"), py::kw_only(), py::arg("method") = "lbfgs",
          py::arg("lr") = py::none(), py::arg("max_iterations") = 1000, py::arg("gradient_tolerance") = 1e-8,
          py::arg("value_tolerance") = py::none(), py::arg("schedule") = "", py::arg("callback") = py::none(),
          "Minimizes a formula from x0 (a dict by name, or values in variable order) with `method`: lbfgs, gd, "
          "momentum, nesterov, adagrad, rmsprop, adam or adamw (docs/optimizers.md). callback(iteration, value, x) "
          "runs after every step; Ctrl-C stops the run with KeyboardInterrupt.");
}

}  // namespace gradc::python
