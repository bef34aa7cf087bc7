// `gradc predict MODEL --data new.csv`: a saved model (gradc/model_file.hpp) applied
// to every row of a CSV file: values, a classifier's class labels, or with --proba the
// probability of each class.
#include "predict_command.hpp"

#include <iostream>
#include <utility>

#include "gradc/dataset.hpp"
#include "gradc/error.hpp"
#include "gradc/model_file.hpp"
#include "subcommand.hpp"

namespace gradc::cli {
namespace {

void print_probabilities(const SavedModel& model, const Dataset& data, bool json) {
    const std::vector<std::vector<double>> prob = predict_probabilities(model, data, &command_jit());
    const std::vector<double> classes = model.classes();
    if (json) {
        // One array per row, in the order of "classes", as scikit-learn's predict_proba.
        JsonArray rows;
        for (std::size_t r = 0; r < data.rows(); ++r) {
            JsonArray row;
            for (const auto& column : prob) row.emplace_back(column[r]);
            rows.emplace_back(std::move(row));
        }
        print_json(
            JsonObject{{"classes", JsonArray(classes.begin(), classes.end())}, {"probabilities", std::move(rows)}});
        return;
    }
    std::vector<std::string> names;
    for (const double label : classes) names.push_back("p_" + number_text(label));
    std::cout << write_csv(Dataset{std::move(names), prob});
}

}  // namespace

CLI::App* add_predict_command(CLI::App& parent, PredictOptions& options) {
    CLI::App* app = parent.add_subcommand("predict", "apply a model saved by fit --save to the rows of a CSV file");
    app->add_option("MODEL", options.model, "the model file that gradc fit --save wrote");
    app->add_option("--data", options.data, "the CSV file of rows to predict; it needs the columns the model reads");
    app->add_flag("--proba", options.proba, "a classifier's probability of each class instead of the class");
    app->add_flag("--json", options.json, "write JSON for scripts");
    app->footer(
        "Examples:\n"
        "  gradc fit \"w*x + b\" --data d.csv --target y --save model.json\n"
        "  gradc predict model.json --data new.csv          one prediction per row");
    return app;
}

int run_predict(const PredictOptions& options) {
    if (options.model.empty())
        throw Error(
            "predict needs a model file, as in gradc predict model.json --data new.csv; "
            "gradc fit --save model.json writes one");
    if (options.data.empty()) throw Error("predict needs data: name a CSV file, as in --data new.csv");
    const SavedModel model = load_model(options.model);
    if (options.proba && !model.is_classifier())
        throw Error("--proba needs a classifier (a network fitted with --loss xent, or a formula with --loss bce); " +
                    options.model + " predicts values of '" + model.target + "'");
    const Dataset data = read_csv_file(options.data);
    if (options.proba) {
        print_probabilities(model, data, options.json);
        return kExitOk;
    }
    const std::vector<double> values = predict(model, data, &command_jit());
    if (options.json)
        print_json(JsonObject{{"predictions", JsonArray(values.begin(), values.end())}});
    else
        std::cout << write_csv(Dataset{{model.target}, {values}});
    return kExitOk;
}

}  // namespace gradc::cli
