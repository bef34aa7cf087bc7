// `gradc check` of a tensor program: the tensor gradient (reverse mode on whole
// tensors, lib/tensor/adjoint.cpp) against finite differences of the program's value,
// both from the reference interpreter (with --jit, from compiled kernels), element by
// element.
#include <algorithm>
#include <iostream>
#include <random>

#include "check_command.hpp"
#include "gradc/error.hpp"
#include "gradc/gradcheck.hpp"
#include "tensor_formula.hpp"

namespace gradc::cli {
namespace {

// The points to check at: the --at values, where params left out of --at get random
// values in [0.5, 2) at each of --points points, as the scalar check draws them.
std::vector<TensorBindings> check_points(const TensorFormula& formula, const CheckOptions& options) {
    const TensorBindings& given = tensor_point(formula, "check");
    std::vector<Tensor> missing;
    for (const Tensor input : formula.inputs)
        if (given.find(input->name()) == nullptr) missing.push_back(input);
    if (missing.empty()) return {given};
    if (options.points < 1) throw Error("--points must be 1 or more, as in --points 5");
    std::mt19937_64 random(options.seed);
    std::uniform_real_distribution<double> uniform(0.5, 2.0);
    std::vector<TensorBindings> points(static_cast<std::size_t>(options.points), given);
    for (TensorBindings& point : points)
        for (const Tensor input : missing) {
            TensorValue value;
            value.shape = input->shape().bound(point.rows);
            value.reals.resize(input->shape().elements(point.rows));
            for (double& v : value.reals) v = uniform(random);
            point.inputs.emplace_back(std::string(input->name()), std::move(value));
        }
    return points;
}

// The row-major index of element `offset` of a tensor of shape `dims`.
std::vector<std::size_t> element_index(const std::vector<std::size_t>& dims, std::size_t offset) {
    std::vector<std::size_t> index(dims.size());
    for (std::size_t a = dims.size(); a-- > 0;) {
        index[a] = offset % dims[a];
        offset /= dims[a];
    }
    return index;
}

struct WorstElement {
    PartialCheck check;
    std::string element;
    std::vector<std::size_t> index;
    std::size_t point = 0;
};

}  // namespace

int run_tensor_check(const CheckOptions& options, const std::string& source) {
    if (!(options.tolerance > 0)) throw Error("--tolerance must be a positive number, as in --tolerance 1e-8");
    TensorContext ctx;
    const TensorFormula formula = load_tensor_formula(ctx, options.common, source, AtNeeds::Data);
    if (formula.wrt.empty())
        throw Error("the program has no param to differentiate by; name real data with --wrt, as in --wrt X");
    const std::vector<TensorBindings> points = check_points(formula, options);
    const Notation notation(options.common.ascii);
    double largest = 0.0;
    JsonArray results_json;
    for (std::size_t k = 0; k < formula.outputs.size(); ++k) {
        const Tensor f = formula.outputs[k];
        if (f->shape().rank() != 0)
            throw Error("check needs results that are single numbers, and result " + std::to_string(k + 1) +
                        " has shape " + f->shape().text() + ": sum it, as in sum(...)");
        const std::vector<Tensor> gradients = tensor_gradient(ctx, f, formula.wrt);
        const TensorFunction value_of = tensor_evaluator(formula, {f});
        const TensorFunction gradients_of = tensor_evaluator(formula, gradients);
        std::vector<WorstElement> worst(formula.wrt.size());
        for (std::size_t p = 0; p < points.size(); ++p) {
            // x: the elements of every wrt, one after another; `at` puts them in place.
            TensorBindings at = points[p];
            std::vector<TensorValue*> slots;
            std::vector<double> x;
            for (const Tensor w : formula.wrt) {
                for (auto& [name, value] : at.inputs)
                    if (name == w->name()) slots.push_back(&value);
                x.insert(x.end(), slots.back()->reals.begin(), slots.back()->reals.end());
            }
            const auto place = [&](std::span<const double> xs) {
                std::size_t i = 0;
                for (TensorValue* slot : slots)
                    for (double& v : slot->reals) v = xs[i++];
            };
            const PointFunction value = [&](std::span<const double> xs, std::span<double> out) {
                place(xs);
                out[0] = value_of(at)[0].reals[0];
            };
            const PointFunction derivatives = [&](std::span<const double> xs, std::span<double> out) {
                place(xs);
                std::size_t i = 0;
                for (const TensorValue& g : gradients_of(at))
                    for (const double v : g.reals) out[i++] = v;
            };
            std::vector<std::size_t> inputs(x.size());
            for (std::size_t i = 0; i < inputs.size(); ++i) inputs[i] = i;
            const std::vector<std::vector<double>> one_point{x};
            const GradcheckResult result =
                gradcheck(value, derivatives, 1, inputs, one_point, GradcheckOptions{.tolerance = options.tolerance});
            // Each element's check, credited to its wrt; the worst of each kept.
            std::size_t start = 0;
            for (std::size_t w = 0; w < formula.wrt.size(); ++w) {
                const std::size_t count = slots[w]->reals.size();
                for (std::size_t e = 0; e < count; ++e) {
                    const PartialCheck& c = result.partials[start + e];
                    const bool first = p == 0 && e == 0;
                    if (first || c.error > worst[w].check.error) {
                        std::vector<std::size_t> index = element_index(slots[w]->shape, e);
                        std::string element = scalar_input_name(formula.wrt[w]->name(), index);
                        worst[w] = {c, std::move(element), std::move(index), p};
                    }
                }
                start += count;
            }
        }
        JsonObject partials;
        if (!options.common.json && formula.outputs.size() > 1)
            std::cout << (k ? "\n" : "") << "# result " << k + 1 << ": " << tensor_one_line({&f, 1}) << '\n';
        for (std::size_t w = 0; w < formula.wrt.size(); ++w) {
            const WorstElement& e = worst[w];
            const std::string name(formula.wrt[w]->name());
            if (e.element.empty()) continue;  // an input with no elements
            largest = std::max(largest, e.check.error);
            if (options.common.json) {
                JsonArray index;
                for (const std::size_t i : e.index) index.emplace_back(static_cast<double>(i));
                partials.emplace_back(name, JsonObject{{"symbolic", e.check.computed},
                                                       {"numeric", e.check.numeric},
                                                       {"rel_error", e.check.error},
                                                       {"element", std::move(index)}});
                continue;
            }
            std::cout << tensor_partial(notation, e.element) << ": gradient " << number_text(e.check.computed)
                      << ", finite differences " << number_text(e.check.numeric) << ", error "
                      << number_text(e.check.error);
            if (points.size() > 1) std::cout << " (worst at point " << e.point + 1 << ")";
            std::cout << (e.check.error > options.tolerance ? "  FAILED" : "") << '\n';
        }
        results_json.emplace_back(std::move(partials));
    }
    return check_summary(options, largest, points.size(), std::move(results_json));
}

}  // namespace gradc::cli
