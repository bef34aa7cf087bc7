// Fitted models on the Python side (gradc.Model) and the data they read.
#include "models.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "gradc/fit.hpp"
#include "gradc/nn.hpp"

namespace gradc::python {

using namespace pybind11::literals;

// A CSV file's path, or columns by name (a dict of arrays, or any mapping with .items()): fitting
// reads its own copy of the columns, as float64.
Dataset to_dataset(py::handle data) {
    const py::module_ os = py::module_::import("os");
    if (py::isinstance<py::str>(data) || py::isinstance(data, os.attr("PathLike")))
        return read_csv_file(py::str(os.attr("fspath")(data)));
    if (!py::hasattr(data, "items"))
        throw py::type_error("data is a CSV file's path or columns by name (a dict of arrays), not " +
                             std::string(py::str(data.get_type().attr("__name__"))));
    const py::object asarray = py::module_::import("numpy").attr("asarray");
    Dataset out;
    for (const py::handle item : data.attr("items")()) {
        const std::string name = py::str(item[py::int_(0)]);
        const auto column = asarray(item[py::int_(1)], "dtype"_a = "float64").cast<py::array_t<double>>();
        if (column.ndim() != 1) throw py::value_error("column " + name + " is not 1-D");
        if (!out.columns.empty() && static_cast<std::size_t>(column.size()) != out.rows())
            throw py::value_error("column " + name + " has " + std::to_string(column.size()) + " rows where " +
                                  out.names[0] + " has " + std::to_string(out.rows()));
        out.names.push_back(name);
        const auto values = column.unchecked<1>();
        std::vector<double>& c = out.columns.emplace_back(static_cast<std::size_t>(column.size()));
        for (py::ssize_t r = 0; r < column.size(); ++r) c[static_cast<std::size_t>(r)] = values(r);
    }
    return out;
}

py::array_t<double> to_array(const std::vector<double>& values) {
    py::array_t<double> out(static_cast<py::ssize_t>(values.size()));
    std::copy(values.begin(), values.end(), out.mutable_data());
    return out;
}

py::array_t<double> Model::predict(py::handle data) const {
    const Dataset rows = to_dataset(data);
    std::vector<double> out;
    {
        const py::gil_scoped_release release;
        out = gradc::predict(saved, rows, &shared_jit());
    }
    return to_array(out);
}
py::array_t<double> Model::probabilities(py::handle data) const {
    const Dataset rows = to_dataset(data);
    std::vector<std::vector<double>> p;
    {
        const py::gil_scoped_release release;
        p = predict_probabilities(saved, rows, &shared_jit());
    }
    py::array_t<double> out({p.size(), rows.rows()});
    for (std::size_t k = 0; k < p.size(); ++k)
        std::copy(p[k].begin(), p[k].end(), out.mutable_data() + k * rows.rows());
    return out;
}
py::object Model::params() const {
    if (saved.is_network()) return to_array(std::get<nn::MlpModel>(saved.model).params);
    const FitResult& f = std::get<FitResult>(saved.model);
    py::dict out;
    for (std::size_t i = 0; i < f.params.size(); ++i) out[py::str(f.names.params[i])] = f.params[i];
    return out;
}
std::string Model::describe() const {
    if (saved.is_network()) return std::get<nn::MlpModel>(saved.model).spec.describe();
    return std::get<FitResult>(saved.model).model;
}

SavedModel model_of(py::handle model) {
    if (py::isinstance<Model>(model)) return model.cast<const Model&>().saved;
    const py::module_ os = py::module_::import("os");
    if (py::isinstance<py::str>(model) || py::isinstance(model, os.attr("PathLike")))
        return load_model(py::str(os.attr("fspath")(model)));
    throw py::type_error("a model is a gradc.Model (from gradc.fit or gradc.load) or a model file's path, not " +
                         std::string(py::str(model.get_type().attr("__name__"))));
}

}  // namespace gradc::python
