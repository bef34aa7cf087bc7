// Explaining a fitted model: how much each input column contributed to the model's output
// at each row (input attributions). docs/explain.md explains the methods for users.
//
// The explained output f of a row is, for a regression model, the model's output; for a
// classifier, the logit of one class (by default the class it predicts for that row, or
// ExplainOptions::target_class), or with ExplainedOutput::Probability that class's
// probability. Attributions are in the units of the data as given: a model fitted with
// standardization is differentiated through it.
//
//   saliency              ∂f/∂x_i at the row
//   gradient-x-input      x_i · ∂f/∂x_i
//   integrated gradients  (x_i − b_i) ∫₀¹ ∂f/∂x_i(b + α(x − b)) dα, from a baseline b
//                         (Sundararajan, Taly and Yan, 2017). Their sum is f(x) − f(b)
//                         (completeness); the gap is reported per row.
//                         - Exact for a network whose hidden layers are relu or identity,
//                           explaining a logit: along the straight path each layer's
//                           pre-activations are piecewise linear in α, so the α where a unit
//                           changes sign are found layer by layer, the network is affine
//                           between them, and each piece is integrated in closed form (its
//                           gradient at the piece's middle times its length).
//                         - Otherwise Gauss–Legendre quadrature with `steps` nodes, doubled
//                           for a row while its gap exceeds tolerance·max(|f(x) − f(b)|,
//                           10⁻³·mean over rows of |f(x) − f(b)|), up to `max_steps`.
//   smoothgrad            the mean of ∂f/∂x_i over `samples` copies of the row with normal
//                         noise added to each input, of standard deviation noise·(max − min
//                         of that column over the rows) (Smilkov et al., 2017); seeded, the
//                         same numbers for a seed whatever the threads.
//
// Gradients come from one compiled map kernel over all points; points are processed in
// chunks of at most kExplainChunkBytes of inputs and outputs, whatever the rows or steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/jit.hpp"
#include "gradc/model_file.hpp"

namespace gradc {

class ThreadPool;

enum class AttributionMethod { Saliency, GradientXInput, IntegratedGradients, SmoothGrad };
// "saliency", "gradient-x-input", "integrated-gradients", "smoothgrad"; Error names them.
AttributionMethod attribution_method_named(std::string_view name);
std::string_view attribution_method_name(AttributionMethod method) noexcept;

enum class ExplainedOutput { Logit, Probability };

// The most bytes of points (inputs, values and gradients) one chunk of work holds.
inline constexpr std::size_t kExplainChunkBytes = std::size_t{64} << 20;

struct ExplainOptions {
    AttributionMethod method = AttributionMethod::Saliency;
    ExplainedOutput output = ExplainedOutput::Logit;  // classifiers only
    std::optional<double> target_class{};  // a class label; unset: each row's predicted class
    // Integrated gradients: the baseline, one value per input column (unset: zeros).
    std::vector<double> baseline{};
    std::size_t steps = 16;
    std::size_t max_steps = 1024;
    double tolerance = 1e-4;
    bool exact = true;  // the exact method where it applies (false: quadrature always)
    // SmoothGrad.
    std::size_t samples = 50;
    double noise = 0.1;
    std::uint64_t seed = 0;
    Jit* jit = nullptr;          // null: a session of its own
    ThreadPool* pool = nullptr;  // null: the caller's thread
};

struct Attributions {
    std::vector<std::string> inputs;            // the model's input columns, in its order
    std::vector<std::vector<double>> values;    // values[i][r]: input i at row r
    std::vector<double> output;                 // f at each row
    std::vector<double> target_class;           // the explained class per row (classifiers)
    // Integrated gradients: f at the baseline, and per row the gap
    // Σ_i values[i][r] − (f(x) − f(b)) and the quadrature nodes used (0 when exact).
    std::vector<double> baseline_output;
    std::vector<double> gap;
    std::vector<std::size_t> steps;
    bool exact = false;  // integrated gradients by the exact method
};

// The baseline of integrated gradients that is each input column's mean over `data`.
std::vector<double> mean_baseline(const SavedModel& model, const Dataset& data);

// Attributions of `model`'s output at every row of `data` (which needs the model's input
// columns). Throws Error for a target class the model does not have, a probability asked
// of a model that is not a classifier, a baseline of the wrong width and options out of
// range; DataError for a missing column.
Attributions explain(const SavedModel& model, const Dataset& data, const ExplainOptions& options);

}  // namespace gradc
