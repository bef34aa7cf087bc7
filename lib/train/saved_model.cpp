// SavedModel (model_file.hpp): the model of a fit, and its predictions through the
// fit's own predict functions (map kernels), with a bce formula read as a classifier.
#include <cmath>
#include <string>

#include "gradc/error.hpp"
#include "gradc/model_file.hpp"

namespace gradc {
namespace {

// 1 / (1 + exp(−z)) without overflow for either sign of z.
double sigmoid(double z) {
    if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
    const double e = std::exp(z);
    return e / (1.0 + e);
}

// Refuses data that lacks a column the model reads, naming it and the columns there are.
void check_columns(const SavedModel& model, const Dataset& data) {
    for (const std::string& name : model.inputs()) {
        if (data.find(name) != Dataset::npos) continue;
        std::string columns;
        for (const std::string& c : data.names) columns.append(columns.empty() ? "" : ", ").append(c);
        throw Error("the data has no column '" + name + "', which the model reads; its columns are " +
                    (columns.empty() ? "none" : columns));
    }
}

}  // namespace

bool SavedModel::is_classifier() const noexcept {
    if (const auto* net = std::get_if<nn::MlpModel>(&model)) return !net->classes.empty();
    return loss.kind == LossKind::Bce;
}

std::vector<double> SavedModel::classes() const {
    if (const auto* net = std::get_if<nn::MlpModel>(&model)) return net->classes;
    return is_classifier() ? std::vector<double>{0.0, 1.0} : std::vector<double>{};
}

const std::vector<std::string>& SavedModel::inputs() const noexcept {
    if (const auto* net = std::get_if<nn::MlpModel>(&model)) return net->inputs;
    return std::get<FitResult>(model).names.data;
}

SavedModel saved_model(const FitResult& fit, const FitOptions& options) {
    FitResult kept;  // the model alone: a fit's losses and history are not part of it
    kept.model = fit.model;
    kept.names = fit.names;
    kept.params = fit.params;
    kept.standardization = fit.standardization;
    return SavedModel{options.target, options.loss, std::move(kept)};
}

SavedModel saved_model(const nn::MlpFitResult& fit, const FitOptions& options) {
    return SavedModel{options.target, options.loss, fit.model};
}

std::vector<double> predict(const SavedModel& model, const Dataset& data, Jit* jit) {
    check_columns(model, data);
    if (const auto* net = std::get_if<nn::MlpModel>(&model.model))
        return net->classes.empty() ? nn::predict_outputs(*net, data, jit).front()
                                    : nn::predict_classes(*net, data, jit);
    std::vector<double> out = predict(std::get<FitResult>(model.model), data, jit);
    if (model.is_classifier())
        for (double& z : out) z = z > 0 ? 1.0 : 0.0;  // a logit: class 1 exactly when its probability is above ½
    return out;
}

std::vector<std::vector<double>> predict_probabilities(const SavedModel& model, const Dataset& data, Jit* jit) {
    if (!model.is_classifier())
        throw Error(
            "probabilities need a classifier: a network fitted with the xent loss or a formula fitted with "
            "bce; this model predicts values");
    check_columns(model, data);
    if (const auto* net = std::get_if<nn::MlpModel>(&model.model)) return nn::predict_probabilities(*net, data, jit);
    const std::vector<double> logits = predict(std::get<FitResult>(model.model), data, jit);
    std::vector<std::vector<double>> prob(2, std::vector<double>(logits.size()));
    for (std::size_t r = 0; r < logits.size(); ++r) {
        prob[0][r] = sigmoid(-logits[r]);
        prob[1][r] = sigmoid(logits[r]);
    }
    return prob;
}

}  // namespace gradc
