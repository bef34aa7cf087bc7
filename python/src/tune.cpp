// gradc.tune(): the search of gradc/tune.hpp over a Python training function, as Optuna
// takes an objective. The search runs without the GIL; each trial takes it to call the
// function, which may release it again (gradc.fit does). Ctrl-C stops the search with
// KeyboardInterrupt after the trials under way.
#include <pybind11/stl.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include "bindings.hpp"
#include "gradc/tune.hpp"

namespace gradc::python {
namespace {

// A drawn setting as Python sees it: a float for log and uniform ranges, an int for
// int ranges, the text of a choice.
py::object value_of(const SearchRange& range, const std::string& text) {
    switch (range.kind) {
        case RangeKind::LogUniform:
        case RangeKind::Uniform: return py::float_(std::strtod(text.c_str(), nullptr));
        case RangeKind::Integer: return py::int_(std::strtoll(text.c_str(), nullptr, 10));
        case RangeKind::Choice: return py::str(text);
    }
    return py::str(text);
}

py::dict settings_dict(const SearchSpace& space, const Settings& settings) {
    py::dict d;
    for (std::size_t k = 0; k < settings.size(); ++k)
        d[py::str(settings[k].name)] = value_of(space.ranges[k], settings[k].value);
    return d;
}

// What the function returned: a number (the validation loss), a dict, or an object with
// val_loss (and val_accuracy, epochs) attributes, as gradc.fit's result.
TrialScore score_of(py::handle result, std::size_t epochs) {
    TrialScore s;
    s.epochs = epochs;
    const auto read = [&](py::handle values, bool dict) {
        const auto get = [&](const char* name) -> py::object {
            if (dict) {
                const py::dict d = py::reinterpret_borrow<py::dict>(values);
                if (!d.contains(name)) return py::none();
                return d[name];
            }
            if (!py::hasattr(values, name)) return py::none();
            return values.attr(name);
        };
        const py::object loss = get("val_loss"), accuracy = get("val_accuracy"), ran = get("epochs");
        if (loss.is_none()) throw py::value_error("the training function's result has no val_loss");
        s.val_loss = loss.cast<double>();
        if (!accuracy.is_none()) s.val_accuracy = accuracy.cast<double>();
        if (!ran.is_none()) s.epochs = ran.cast<std::size_t>();
    };
    if (py::isinstance<py::float_>(result) || py::isinstance<py::int_>(result))
        s.val_loss = result.cast<double>();
    else
        read(result, py::isinstance<py::dict>(result));
    return s;
}

py::dict trial_dict(const SearchSpace& space, const TrialRecord& t) {
    py::dict d;
    d["configuration"] = t.config + 1;
    d["bracket"] = t.bracket + 1;
    d["rung"] = t.rung + 1;
    d["epochs"] = t.epochs;
    d["epochs_run"] = t.score.epochs;
    d["settings"] = settings_dict(space, t.settings);
    d["val_loss"] = t.score.val_loss;
    d["val_accuracy"] = t.score.val_accuracy;
    d["failed"] = t.score.failed ? py::object(py::str(t.score.reason)) : py::object(py::bool_(false));
    d["seconds"] = t.seconds;
    return d;
}

py::dict run_tune(const std::string& text, py::function train, const std::string& method, std::size_t trials,
                  std::size_t epochs, std::optional<std::size_t> budget, std::size_t eta, std::uint64_t seed,
                  const std::string& metric, std::size_t threads) {
    const SearchSpace space = parse_search_space(text);
    TuneOptions o;
    o.method = search_method_named(method);
    o.trials = trials;
    o.max_epochs = epochs;
    o.budget = budget;
    o.eta = eta;
    o.seed = seed;
    if (metric != "loss" && metric != "accuracy")
        throw py::value_error("metric is \"loss\" or \"accuracy\", not '" + metric + "'");
    o.by_accuracy = metric == "accuracy";
    o.threads = threads;
    std::atomic<bool> interrupted{false};
    const TrialFunction trial = [&](const Settings& settings, std::size_t trial_epochs, ThreadPool*) {
        const py::gil_scoped_acquire gil;
        try {
            return score_of(train(settings_dict(space, settings), trial_epochs), trial_epochs);
        } catch (py::error_already_set& e) {
            if (e.matches(PyExc_KeyboardInterrupt)) interrupted = true;
            throw std::runtime_error(e.what());  // the Python error's type and message, for the record
        }
    };
    TuneResult result;
    {
        const py::gil_scoped_release release;
        result = tune(space, o, trial, [&](const TrialRecord&, std::size_t) {
            between_steps([&] {
                if (interrupted) {
                    PyErr_SetNone(PyExc_KeyboardInterrupt);
                    throw py::error_already_set();
                }
            });
        });
    }
    py::list records;
    for (const TrialRecord& t : result.trials) records.append(trial_dict(space, t));
    py::dict out;
    out["trials"] = records;
    out["best"] = result.best ? py::object(trial_dict(space, result.trials[*result.best])) : py::object(py::none());
    out["configurations"] = result.plan.configs();
    out["epochs_planned"] = result.plan.epochs();
    out["epochs_run"] = result.epochs;
    return out;
}

}  // namespace

void bind_tune(py::module_& m) {
    m.def("tune", &run_tune, py::arg("space"), py::arg("train"), py::kw_only(), py::arg("method") = "hyperband",
          py::arg("trials") = 40, py::arg("epochs") = 100, py::arg("budget") = py::none(), py::arg("eta") = 3,
          py::arg("seed") = 0, py::arg("metric") = "loss", py::arg("threads") = 1,
          "Searches `space` (\"lr=log(1e-4,1e-1); optimizer=adam|gd\") as `gradc tune` does (docs/tune.md): "
          "train(settings, epochs) trains one trial and returns its validation loss, a dict with val_loss (and "
          "val_accuracy, epochs), or gradc.fit's result. Returns a dict: trials, best, configurations, epochs. "
          "Ctrl-C stops with KeyboardInterrupt.");
}

}  // namespace gradc::python
