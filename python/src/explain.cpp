// gradc.explain(): input attributions of a fitted model at each row of data
// (gradc/explain.hpp, docs/explain.md), computed without the GIL.
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "gradc/explain.hpp"
#include "gradc/thread_pool.hpp"
#include "models.hpp"

namespace gradc::python {
namespace {

// The baseline of integrated gradients: None or "zeros", "mean", values in the model's
// input order, or values by input name.
std::vector<double> baseline_of(py::handle baseline, const SavedModel& model, const Dataset& data) {
    if (baseline.is_none()) return {};
    if (py::isinstance<py::str>(baseline)) {
        const std::string name = baseline.cast<std::string>();
        if (name == "zeros") return {};
        if (name == "mean") return mean_baseline(model, data);
        throw py::value_error("baseline is \"zeros\", \"mean\", values in input order or a dict by input name, not '" +
                              name + "'");
    }
    std::vector<double> values;
    if (py::isinstance<py::dict>(baseline)) {
        const py::dict given = py::reinterpret_borrow<py::dict>(baseline);
        for (const std::string& name : model.inputs()) {
            if (!given.contains(name)) throw py::value_error("the baseline has no value for " + name);
            values.push_back(given[py::str(name)].cast<double>());
        }
        return values;
    }
    for (const py::handle v : baseline) values.push_back(v.cast<double>());
    return values;
}

// Attributions with the rows first, as a table of rows reads: values[r, i], each input's
// column contiguous (Fortran order).
py::array_t<double> table(const Attributions& a) {
    const std::size_t rows = a.output.size(), inputs = a.values.size();
    py::array_t<double, py::array::f_style> out({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(inputs)});
    for (std::size_t i = 0; i < inputs; ++i)
        std::copy(a.values[i].begin(), a.values[i].end(), out.mutable_data() + i * rows);
    return out;
}

Attributions run_explain(py::handle model, py::handle data, const std::string& method, py::handle baseline,
                         std::optional<double> target_class, const std::string& output, std::size_t steps,
                         std::size_t max_steps, double tolerance, bool exact, std::size_t samples, double noise,
                         std::uint64_t seed, std::size_t threads) {
    const SavedModel saved = model_of(model);
    const Dataset rows = to_dataset(data);
    ExplainOptions o;
    o.method = attribution_method_named(method);
    if (output == "probability")
        o.output = ExplainedOutput::Probability;
    else if (output != "logit")
        throw py::value_error("output is \"logit\" or \"probability\", not '" + output + "'");
    o.target_class = target_class;
    o.baseline = baseline_of(baseline, saved, rows);
    o.steps = steps;
    o.max_steps = max_steps;
    o.tolerance = tolerance;
    o.exact = exact;
    o.samples = samples;
    o.noise = noise;
    o.seed = seed;
    o.jit = &shared_jit();
    const py::gil_scoped_release release;
    ThreadPool pool(threads);
    o.pool = &pool;
    return explain(saved, rows, o);
}

}  // namespace

void bind_explain(py::module_& m) {
    py::class_<Attributions>(m, "Attributions", "What gradc.explain() found, row by row.")
        .def_property_readonly("inputs", [](const Attributions& a) { return a.inputs; })
        .def_property_readonly(
            "values", [](const Attributions& a) { return table(a); },
            "values[r, i]: the attribution of input i at row r")
        .def_property_readonly(
            "output", [](const Attributions& a) { return to_array(a.output); }, "f at each row")
        .def_property_readonly("target_class",
                               [](const Attributions& a) -> py::object {
                                   if (a.target_class.empty()) return py::none();
                                   return to_array(a.target_class);
                               })
        .def_property_readonly("baseline_output",
                               [](const Attributions& a) -> py::object {
                                   if (a.gap.empty()) return py::none();
                                   return to_array(a.baseline_output);
                               })
        .def_property_readonly("gap",
                               [](const Attributions& a) -> py::object {
                                   if (a.gap.empty()) return py::none();
                                   return to_array(a.gap);
                               })
        .def_property_readonly("steps", [](const Attributions& a) { return a.steps; })
        .def_property_readonly("exact", [](const Attributions& a) { return a.exact; });

    m.def("explain", &run_explain, py::arg("model"), py::arg("data"), py::arg("method") = "integrated-gradients",
          py::kw_only(), py::arg("baseline") = py::none(), py::arg("target_class") = py::none(),
          py::arg("output") = "logit", py::arg("steps") = 16, py::arg("max_steps") = 1024, py::arg("tolerance") = 1e-4,
          py::arg("exact") = true, py::arg("samples") = 50, py::arg("noise") = 0.1, py::arg("seed") = 0,
          py::arg("threads") = 1,
          "How much each input contributed to a fitted model's output at each row of `data`, as `gradc explain` "
          "gives it (docs/explain.md): method saliency, gradient-x-input, integrated-gradients or smoothgrad. "
          "`model` is a gradc.Model or a model file's path.");
}

}  // namespace gradc::python
