// The function an explanation differentiates (explain.hpp): a saved model's output, or
// one class's logit or probability, compiled with its gradient by the model's inputs
// into one map kernel. It works in the model's own input space: the standardized columns
// when the model was fitted with standardization (explain.cpp converts at the edges).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/explain.hpp"
#include "gradc/jit.hpp"
#include "gradc/model_file.hpp"
#include "gradc/nn.hpp"

namespace gradc::train {

class ExplainedFunction {
public:
    // Throws Error for a probability asked of a model that is not a classifier.
    ExplainedFunction(const SavedModel& model, ExplainedOutput output, Jit& jit);

    std::size_t inputs() const noexcept { return inputs_; }
    // A classifier's output depends on the class explained (a column of class indices).
    bool reads_class() const noexcept { return reads_class_; }

    // value[p] = f and gradient[i][p] = ∂f/∂u_i at `count` points whose inputs are
    // columns[i][p] and whose class index (when reads_class()) is classes[p].
    void run(std::span<const double* const> columns, const double* classes, std::size_t count, double* value,
             std::span<double* const> gradient, ThreadPool* pool) const;

    // Model space: (x - mean) / scale per input, and scale (1 without standardization).
    double to_model(std::size_t i, double raw) const noexcept;
    double scale(std::size_t i) const noexcept;

    // Whether f is piecewise linear along straight lines: a network whose hidden layers
    // are relu or identity, explained by a logit.
    bool piecewise_linear() const noexcept { return network_.has_value() && linear_pieces_; }
    // The α in (0, 1), increasing, where a hidden unit's pre-activation changes sign along
    // u(α) = b + α(x - b) (model space), found layer by layer: between two consecutive α
    // of the layers below, the layer's pre-activations are affine in α.
    std::vector<double> kinks(std::span<const double> b, std::span<const double> x) const;

private:
    // The pre-activations of hidden layer `layer` (0-based) from those of the first.
    std::vector<double> pre_activations(std::size_t layer, std::span<const double> first) const;

    MapKernel kernel_;
    std::vector<double> params_;
    std::size_t inputs_ = 0;
    bool reads_class_ = false;
    bool linear_pieces_ = false;
    std::optional<nn::MlpModel> network_;
    std::optional<Standardization> standardization_;
};

}  // namespace gradc::train
