// Saved models: a fitted formula or network written to a JSON model file, read back,
// and applied to new rows. docs/training.md ("Saved models") documents every field of
// the file for people who read or write one by hand.
//
// - A model file is one JSON object marked "format": "gradc-model", "version": 1. A
//   reader refuses any other version, and any field it does not know, rather than guess:
//   a misspelt "standardisation" would otherwise be skipped and every prediction be wrong.
// - Numbers are written as the shortest text that reads back as the same double (-0
//   as -0.0), so a loaded model has exactly the parameters it was saved with and
//   predicts exactly what the fitted one did. JSON has no NaN or infinity: a model
//   holding one is refused when saved.
// - Classifiers: a network fitted with xent has one output (logit) per class, as in
//   nn.hpp; a formula fitted with bce gives one logit z for the classes 0 and 1, with
//   probabilities sigmoid(−z) and sigmoid(z), so it predicts 1 exactly when z > 0.
//   On a tie the first class wins, and a NaN output predicts the first class.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/fit.hpp"
#include "gradc/jit.hpp"
#include "gradc/nn.hpp"

namespace gradc {

struct SavedModel {
    std::string target;  // the column the model was fitted to predict
    Loss loss;           // the loss it was fitted with: bce and xent make a classifier
    // A formula model holds FitResult's model, names, params and standardization only;
    // the rest of a FitResult (losses, history) is not part of a model.
    std::variant<FitResult, nn::MlpModel> model;

    bool is_network() const noexcept { return std::holds_alternative<nn::MlpModel>(model); }
    bool is_classifier() const noexcept;
    // A classifier's class labels, in the order of predict_probabilities(); else empty.
    std::vector<double> classes() const;
    // The data columns the model reads, in its order.
    const std::vector<std::string>& inputs() const noexcept;
};

// The model of a fit, with the target and loss of `options`.
SavedModel saved_model(const FitResult& fit, const FitOptions& options);
SavedModel saved_model(const nn::MlpFitResult& fit, const FitOptions& options);

// The text of a model file. Throws gradc::Error for a non-finite number or a name that
// is not valid UTF-8, which JSON cannot hold, and for sizes that disagree.
std::string model_json(const SavedModel& model);
// Writes model_json(model) to `path`; gradc::Error when it cannot be written.
void save_model(const std::string& path, const SavedModel& model);

// Reads the text of a model file. Throws gradc::Error saying what is wrong and where:
// the line and column of malformed JSON, else the field (as in layers[1].biases[0]).
SavedModel read_model(std::string_view json);
// The same for a file; messages start with the file's path.
SavedModel load_model(const std::string& path);

// One prediction per row of `data` (which needs the model's input columns; others are
// ignored): a classifier's most probable class label, else the model's output.
std::vector<double> predict(const SavedModel& model, const Dataset& data, Jit* jit = nullptr);
// A classifier's probabilities: prob[k][r] for classes()[k] at row r. gradc::Error for
// a model that is not a classifier.
std::vector<std::vector<double>> predict_probabilities(const SavedModel& model, const Dataset& data,
                                                       Jit* jit = nullptr);

}  // namespace gradc
