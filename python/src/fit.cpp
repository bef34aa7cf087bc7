// gradc.fit(): a formula model or a network fitted to data (docs/training.md), and the
// fitted model: predictions, and the model file `gradc fit --save` writes (gradc.load()
// reads one back). Training runs without the GIL; after every epoch it takes the GIL to
// call the callback and to notice Ctrl-C, which stops the run with KeyboardInterrupt
// and returns nothing, so no half-trained model is left behind.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "gradc/fit.hpp"
#include "gradc/model_file.hpp"
#include "gradc/nn.hpp"
#include "gradc/thread_pool.hpp"
#include "models.hpp"

namespace gradc::python {
namespace {

using namespace pybind11::literals;

std::string stop_name(FitStop stop) {
    switch (stop) {
        case FitStop::MaxEpochs: return "max_epochs";
        case FitStop::Tolerance: return "tolerance";
        case FitStop::EarlyStopping: return "early_stopping";
        case FitStop::Diverged: return "diverged";
        case FitStop::Failed: return "failed";
    }
    return "unknown";
}

// gradc.FitResult: the model and how its training went.
struct Fitted {
    std::shared_ptr<Model> model;
    FitResult fit;
    double accuracy = std::numeric_limits<double>::quiet_NaN();
    double val_accuracy = std::numeric_limits<double>::quiet_NaN();
};

Fitted run_fit(py::handle model, py::handle data, const std::string& target,
               const std::optional<std::vector<std::size_t>>& mlp, const std::string& activation,
               const std::optional<std::string>& init, const std::vector<std::string>& inputs, const std::string& loss,
               const std::string& optimizer, std::optional<double> lr, std::size_t epochs,
               std::optional<std::size_t> batch_size, bool shuffle, std::uint64_t seed, double validation,
               std::size_t patience, double l1, double l2, bool standardize,
               const std::optional<std::map<std::string, double>>& initial, std::optional<double> tolerance,
               bool drop_nonfinite, std::size_t threads, const py::object& callback) {
    if (model.is_none() == !mlp.has_value())
        throw py::value_error("give a model formula, or mlp=[widths] for a network, and not both");
    FitOptions options;
    options.target = target;
    options.loss = Loss::named(loss);
    options.method = method_named(optimizer);
    options.learning_rate = lr;
    options.epochs = epochs;
    options.batch_size = batch_size;
    options.shuffle = shuffle;
    options.seed = seed;
    options.validation = validation;
    options.patience = patience;
    options.l1 = l1;
    options.l2 = l2;
    options.standardize = standardize;
    options.tolerance = tolerance;
    options.drop_nonfinite = drop_nonfinite;
    if (initial) options.initial.assign(initial->begin(), initial->end());
    options.on_epoch = [&](std::size_t epoch, const EpochLoss& l) {
        between_steps([&] {
            if (!callback.is_none()) callback(epoch, l.loss, l.val_loss);
        });
    };
    ThreadPool pool(threads);
    options.pool = &pool;
    options.jit = &shared_jit();
    const Dataset rows = to_dataset(data);
    Fitted out;
    out.model = std::make_shared<Model>();
    if (mlp) {
        nn::MlpOptions net;
        net.hidden = *mlp;
        net.activation = nn::activation_named(activation);
        if (init) net.init = nn::init_named(*init);
        net.inputs = inputs;
        nn::MlpFitResult r;
        {
            const py::gil_scoped_release release;
            r = nn::fit_mlp(rows, net, options);
        }
        out.model->saved = saved_model(r, options);
        out.fit = std::move(r.fit);
        out.accuracy = r.accuracy;
        out.val_accuracy = r.val_accuracy;
    } else {
        // The text of the formula: fit() parses it into a context of its own, so that the
        // caller's context is not built in while the GIL is released.
        const std::string text = read_formula(model).text;
        {
            const py::gil_scoped_release release;
            out.fit = fit(text, rows, options);
        }
        out.model->saved = saved_model(out.fit, options);
    }
    return out;
}

}  // namespace

void bind_fit(py::module_& m) {
    py::class_<Model, std::shared_ptr<Model>>(m, "Model", "A fitted model, as a model file holds it.")
        .def("predict", &Model::predict, py::arg("data"),
             "One prediction per row: a classifier's class, else the model's output.")
        .def("predict_proba", &Model::probabilities, py::arg("data"),
             "A classifier's probabilities: shape (classes, rows), classes in the order of .classes.")
        .def(
            "save", [](const Model& model, const std::string& path) { save_model(path, model.saved); }, py::arg("path"))
        .def_property_readonly("params", &Model::params,
                               "A formula's parameters by name; a network's as one array in nn.hpp's order.")
        .def_property_readonly("inputs", [](const Model& model) { return model.saved.inputs(); })
        .def_property_readonly("target", [](const Model& model) { return model.saved.target; })
        .def_property_readonly("classes", [](const Model& model) { return model.saved.classes(); })
        .def_property_readonly("is_network", [](const Model& model) { return model.saved.is_network(); })
        .def("__repr__", [](const Model& model) { return "<gradc.Model " + model.describe() + ">"; });

    py::class_<Fitted>(m, "FitResult", "A fitted model and how its training went.")
        .def_property_readonly("model", [](const Fitted& f) { return f.model; })
        .def_property_readonly("params", [](const Fitted& f) { return f.model->params(); })
        .def(
            "predict", [](const Fitted& f, py::handle data) { return f.model->predict(data); }, py::arg("data"))
        .def(
            "save", [](const Fitted& f, const std::string& path) { save_model(path, f.model->saved); }, py::arg("path"))
        .def_property_readonly("loss", [](const Fitted& f) { return f.fit.loss; })
        .def_property_readonly("val_loss", [](const Fitted& f) { return f.fit.val_loss; })
        .def_property_readonly("epochs", [](const Fitted& f) { return f.fit.epochs; })
        .def_property_readonly("history",
                               [](const Fitted& f) {
                                   py::list out;
                                   for (const EpochLoss& l : f.fit.history)
                                       out.append(py::make_tuple(l.loss, l.val_loss));
                                   return out;
                               })
        .def_property_readonly("stop", [](const Fitted& f) { return stop_name(f.fit.stop); })
        .def_property_readonly("message", [](const Fitted& f) { return f.fit.message; })
        .def_property_readonly("accuracy", [](const Fitted& f) { return f.accuracy; })
        .def_property_readonly("val_accuracy", [](const Fitted& f) { return f.val_accuracy; })
        .def("__repr__", [](const Fitted& f) {
            return "<gradc.FitResult " + f.model->describe() + ", loss " + std::to_string(f.fit.loss) + ", " +
                   stop_name(f.fit.stop) + " after " + std::to_string(f.fit.epochs) + " epochs>";
        });

    m.def("fit", &run_fit, py::arg("model") = py::none(), py::kw_only(), py::arg("data"), py::arg("target"),
          py::arg("mlp") = py::none(), py::arg("activation") = "relu", py::arg("init") = py::none(),
          py::arg("inputs") = std::vector<std::string>{}, py::arg("loss") = "mse", py::arg("optimizer") = "lbfgs",
          py::arg("lr") = py::none(), py::arg("epochs") = 100, py::arg("batch_size") = py::none(),
          py::arg("shuffle") = true, py::arg("seed") = 0, py::arg("validation") = 0.0, py::arg("patience") = 0,
          py::arg("l1") = 0.0, py::arg("l2") = 0.0, py::arg("standardize") = false, py::arg("initial") = py::none(),
          py::arg("tolerance") = py::none(), py::arg("drop_nonfinite") = false, py::arg("threads") = 1,
          py::arg("callback") = py::none(),
          "Fits a formula model (text or gradc.Expr: names matching columns are data, the others parameters) or, "
          "with mlp=[widths], a network, to `data` (a CSV path, or columns by name) to predict `target`, with "
          "`gradc fit`'s options (docs/training.md). callback(epoch, loss, val_loss) runs after every epoch; "
          "Ctrl-C stops with KeyboardInterrupt.");
    m.def(
        "load", [](const std::string& path) { return std::make_shared<Model>(Model{load_model(path)}); },
        py::arg("path"), "Reads a model file written by Model.save() or `gradc fit --save`.");
}

}  // namespace gradc::python
