// Fitted models on the Python side, and the data they read: what gradc.fit, gradc.load
// and gradc.explain share.
#pragma once

#include <pybind11/numpy.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "gradc/dataset.hpp"
#include "gradc/model_file.hpp"

namespace gradc::python {

// A CSV file's path, or columns by name (a dict of 1-D arrays, or any mapping with
// .items()), read into a Dataset of float64 columns: a copy, as fitting and predicting
// keep their own.
Dataset to_dataset(py::handle data);

// A new 1-D array holding `values`.
py::array_t<double> to_array(const std::vector<double>& values);

// gradc.Model: a fitted model, as a model file holds it.
struct Model {
    SavedModel saved;

    // One prediction per row: a classifier's class, else the model's output.
    py::array_t<double> predict(py::handle data) const;
    // A classifier's probabilities, shape (classes, rows).
    py::array_t<double> probabilities(py::handle data) const;
    // A formula's parameters by name; a network's as one array in nn.hpp's order.
    py::object params() const;
    std::string describe() const;
};

// A gradc.Model, or a model file's path (read with load_model).
SavedModel model_of(py::handle model);

}  // namespace gradc::python
