// Input attributions (explain.hpp): saliency, gradient x input, integrated gradients
// (exact for piecewise-linear networks, else adaptive Gauss-Legendre quadrature) and
// SmoothGrad, all from one compiled map kernel run over chunks of points.
#include "gradc/explain.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>
#include <string>

#include "gradc/error.hpp"
#include "gradc/print.hpp"
#include "train/explain_function.hpp"
#include "train/quadrature.hpp"
#include "train/random_draws.hpp"

namespace gradc {
namespace {

using train::ExplainedFunction;

// Points to evaluate f and its gradient at, made and consumed in chunks of at most
// kExplainChunkBytes: make(p, u, class) writes point p's inputs and class index;
// take(p, f, gradient) receives its results, gradient[i] = ∂f/∂u_i.
class PointRunner {
public:
    using Make = std::function<void(std::size_t p, double* u, double& klass)>;
    using Take = std::function<void(std::size_t p, double f, const double* gradient)>;

    PointRunner(const ExplainedFunction& fn, ThreadPool* pool) : fn_(fn), pool_(pool) {
        const std::size_t n = fn.inputs();
        capacity_ = std::max<std::size_t>(1, kExplainChunkBytes / (sizeof(double) * (2 * n + 3)));
    }

    void run(std::size_t count, const Make& make, const Take& take) const {
        const std::size_t n = fn_.inputs();
        const std::size_t chunk = std::min(capacity_, count);
        std::vector<double> in(n * chunk), klass(chunk), value(chunk), grad(n * chunk), u(n), g(n);
        std::vector<const double*> columns(n);
        std::vector<double*> gradient(n);
        for (std::size_t i = 0; i < n; ++i) {
            columns[i] = in.data() + i * chunk;
            gradient[i] = grad.data() + i * chunk;
        }
        for (std::size_t start = 0; start < count; start += chunk) {
            const std::size_t m = std::min(chunk, count - start);
            for (std::size_t p = 0; p < m; ++p) {
                make(start + p, u.data(), klass[p]);
                for (std::size_t i = 0; i < n; ++i) in[i * chunk + p] = u[i];
            }
            fn_.run(columns, klass.data(), m, value.data(), gradient, pool_);
            for (std::size_t p = 0; p < m; ++p) {
                for (std::size_t i = 0; i < n; ++i) g[i] = grad[i * chunk + p];
                take(start + p, value[p], g.data());
            }
        }
    }

private:
    const ExplainedFunction& fn_;
    ThreadPool* pool_;
    std::size_t capacity_ = 1;
};

// The rows, read where they lie, and what each row explains.
struct Rows {
    const ExplainedFunction* fn = nullptr;
    std::size_t count = 0;
    std::vector<const double*> raw;  // raw[i][r]: the data as given
    std::vector<double> klass;       // the class index explained at each row

    // Input i at row r in the model's space (standardized when it was fitted so).
    double u(std::size_t i, std::size_t r) const { return fn->to_model(i, raw[i][r]); }
};

void check_options(const ExplainOptions& o) {
    if (o.steps == 0 || o.max_steps < o.steps)
        throw Error("integrated gradients need at least 1 step, and --max-steps at least --steps");
    if (!(o.tolerance > 0)) throw Error("--tolerance must be a positive number");
    if (o.samples == 0) throw Error("smoothgrad needs at least 1 sample");
    if (!(o.noise >= 0) || !std::isfinite(o.noise)) throw Error("--noise must be a number of 0 or more");
}

Rows read_rows(const SavedModel& model, const Dataset& data, const ExplainedFunction& fn, const ExplainOptions& o,
               Jit& jit) {
    Rows rows;
    rows.fn = &fn;
    rows.count = data.rows();
    const std::vector<std::string>& inputs = model.inputs();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (data.find(inputs[i]) == Dataset::npos) {
            std::string have;
            for (const std::string& name : data.names) have += (have.empty() ? "" : ", ") + name;
            const std::string message =
                "the data has no column '" + inputs[i] + "', which the model reads; its columns are " + have;
            throw data.source.empty() ? DataError(1, 1, message) : DataError(data.source, 1, 1, message);
        }
        rows.raw.push_back(data.column(inputs[i]).data());
    }
    rows.klass.assign(rows.count, 0.0);
    if (!fn.reads_class()) {
        if (o.target_class) throw Error("the model predicts numbers, not classes: leave out --target-class");
        return rows;
    }
    const std::vector<double> classes = model.classes();
    const auto index_of = [&](double label) {
        const auto it = std::find(classes.begin(), classes.end(), label);
        return it == classes.end() ? -1.0 : static_cast<double>(it - classes.begin());
    };
    if (o.target_class) {
        const double k = index_of(*o.target_class);
        if (k < 0) {
            std::string list;
            for (const double c : classes) list += (list.empty() ? "" : ", ") + shortest_number(c);
            throw Error("the model has no class " + shortest_number(*o.target_class) + "; its classes are " + list);
        }
        rows.klass.assign(rows.count, k);
    } else {
        const std::vector<double> predicted = predict(model, data, &jit);
        for (std::size_t r = 0; r < rows.count; ++r) rows.klass[r] = std::max(0.0, index_of(predicted[r]));
    }
    return rows;
}

// f at every row, and its gradient (in data units) when `gradient` is not null.
void at_rows(const ExplainedFunction& fn, const PointRunner& runner, const Rows& rows, Attributions& out,
             std::vector<std::vector<double>>* gradient) {
    const std::size_t n = fn.inputs();
    if (gradient) gradient->assign(n, std::vector<double>(rows.count));
    out.output.assign(rows.count, 0.0);
    runner.run(
        rows.count,
        [&](std::size_t r, double* u, double& klass) {
            for (std::size_t i = 0; i < n; ++i) u[i] = rows.u(i, r);
            klass = rows.klass[r];
        },
        [&](std::size_t r, double f, const double* g) {
            out.output[r] = f;
            if (gradient)
                for (std::size_t i = 0; i < n; ++i) (*gradient)[i][r] = g[i] / fn.scale(i);
        });
}

// The nodes α_k and weights w_k of ∫₀¹ for one row.
struct Rule {
    std::span<const double> nodes, weights;
};

// For each row r of `rows_now`, Σ_k w_k ∂f/∂u_i(b + α_k(x_r - b)) added into sums[i][r].
void integrate(const ExplainedFunction& fn, const PointRunner& runner, const Rows& rows, std::span<const double> b,
               std::span<const std::size_t> rows_now, std::span<const Rule> rules,
               std::vector<std::vector<double>>& sums) {
    const std::size_t n = fn.inputs();
    std::vector<std::size_t> first(rows_now.size() + 1, 0);  // the first point of each row
    for (std::size_t k = 0; k < rows_now.size(); ++k) first[k + 1] = first[k] + rules[k].nodes.size();
    // Points are made and taken in increasing order, so a cursor finds each one's row.
    std::size_t made = 0, taken = 0;
    const auto row_of = [&](std::size_t p, std::size_t& cursor) {
        while (p >= first[cursor + 1]) ++cursor;
        return cursor;
    };
    runner.run(
        first.back(),
        [&](std::size_t p, double* u, double& klass) {
            const std::size_t k = row_of(p, made), r = rows_now[k];
            const double alpha = rules[k].nodes[p - first[k]];
            for (std::size_t i = 0; i < n; ++i) u[i] = b[i] + alpha * (rows.u(i, r) - b[i]);
            klass = rows.klass[r];
        },
        [&](std::size_t p, double, const double* g) {
            const std::size_t k = row_of(p, taken), r = rows_now[k];
            const double w = rules[k].weights[p - first[k]];
            for (std::size_t i = 0; i < n; ++i) sums[i][r] += w * g[i];
        });
}

void integrated_gradients(const ExplainedFunction& fn, const PointRunner& runner, const Rows& rows,
                          const std::vector<double>& baseline_raw, const ExplainOptions& o, Attributions& out) {
    const std::size_t n = fn.inputs(), count = rows.count;
    if (baseline_raw.size() != n)
        throw Error("the baseline has " + std::to_string(baseline_raw.size()) + " values; the model reads " +
                    std::to_string(n) + " columns");
    std::vector<double> b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = fn.to_model(i, baseline_raw[i]);
    out.baseline_output.assign(count, 0.0);
    runner.run(
        count,
        [&](std::size_t r, double* u, double& klass) {
            std::copy(b.begin(), b.end(), u);
            klass = rows.klass[r];
        },
        [&](std::size_t r, double f, const double*) { out.baseline_output[r] = f; });
    out.values.assign(n, std::vector<double>(count, 0.0));
    out.gap.assign(count, 0.0);
    out.steps.assign(count, 0);
    double mean_change = 0.0;
    for (std::size_t r = 0; r < count; ++r) mean_change += std::abs(out.output[r] - out.baseline_output[r]);
    mean_change /= static_cast<double>(std::max<std::size_t>(count, 1));

    std::vector<std::size_t> pending(count);
    std::iota(pending.begin(), pending.end(), std::size_t{0});
    out.exact = o.exact && fn.piecewise_linear();
    std::size_t steps = o.steps;
    std::vector<double> x(n);
    while (!pending.empty()) {
        // out.values holds the integrals of ∂f/∂u_i until each row is done.
        for (const std::size_t r : pending)
            for (std::size_t i = 0; i < n; ++i) out.values[i][r] = 0.0;
        std::vector<Rule> rules(pending.size());
        std::vector<std::vector<double>> pieces;  // the exact method's nodes and weights, per row
        train::Quadrature quadrature;
        if (out.exact) {
            // The pieces between kinks: f is affine on each, so its gradient in the middle
            // times the piece's length is the piece's exact integral.
            pieces.resize(2 * pending.size());
            for (std::size_t k = 0; k < pending.size(); ++k) {
                for (std::size_t i = 0; i < n; ++i) x[i] = rows.u(i, pending[k]);
                std::vector<double> cuts = fn.kinks(b, x);
                cuts.insert(cuts.begin(), 0.0);
                cuts.push_back(1.0);
                for (std::size_t s = 0; s + 1 < cuts.size(); ++s) {
                    pieces[2 * k].push_back(0.5 * (cuts[s] + cuts[s + 1]));
                    pieces[2 * k + 1].push_back(cuts[s + 1] - cuts[s]);
                }
                rules[k] = {pieces[2 * k], pieces[2 * k + 1]};
            }
        } else {
            quadrature = train::gauss_legendre(steps);
            for (Rule& rule : rules) rule = {quadrature.nodes, quadrature.weights};
        }
        integrate(fn, runner, rows, b, pending, rules, out.values);
        std::vector<std::size_t> again;
        for (const std::size_t r : pending) {
            double sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                // In model space, which is the same in data units: (x - b)_i·scale_i times
                // the integral of ∂f/∂u_i / scale_i.
                out.values[i][r] *= rows.u(i, r) - b[i];
                sum += out.values[i][r];
            }
            const double change = out.output[r] - out.baseline_output[r];
            out.gap[r] = sum - change;
            out.steps[r] = out.exact ? 0 : steps;
            const double allowed = o.tolerance * std::max(std::abs(change), 1e-3 * mean_change);
            if (!out.exact && std::abs(out.gap[r]) > allowed && steps < o.max_steps) again.push_back(r);
        }
        pending = std::move(again);
        steps = std::min(2 * steps, o.max_steps);
    }
}

void smoothgrad(const ExplainedFunction& fn, const PointRunner& runner, const Rows& rows, const ExplainOptions& o,
                Attributions& out) {
    const std::size_t n = fn.inputs(), count = rows.count, samples = o.samples;
    std::vector<double> sigma(n, 0.0);  // in model units
    for (std::size_t i = 0; i < n && count > 0; ++i) {
        const auto [lo, hi] = std::minmax_element(rows.raw[i], rows.raw[i] + count);
        sigma[i] = o.noise * (*hi - *lo) / fn.scale(i);
    }
    // The noise is drawn in one fixed order (row by row, sample by sample, input by
    // input) as the points are made, which happens on this thread alone.
    std::mt19937_64 random(o.seed);
    out.values.assign(n, std::vector<double>(count, 0.0));
    runner.run(
        count * samples,
        [&](std::size_t p, double* u, double& klass) {
            const std::size_t r = p / samples;
            for (std::size_t i = 0; i < n; ++i) u[i] = rows.u(i, r) + sigma[i] * train::standard_normal(random);
            klass = rows.klass[r];
        },
        [&](std::size_t p, double, const double* g) {
            const std::size_t r = p / samples;
            for (std::size_t i = 0; i < n; ++i) out.values[i][r] += g[i] / fn.scale(i);
        });
    for (auto& column : out.values)
        for (double& v : column) v /= static_cast<double>(samples);
}

}  // namespace

AttributionMethod attribution_method_named(std::string_view name) {
    if (name == "saliency") return AttributionMethod::Saliency;
    if (name == "gradient-x-input") return AttributionMethod::GradientXInput;
    if (name == "integrated-gradients") return AttributionMethod::IntegratedGradients;
    if (name == "smoothgrad") return AttributionMethod::SmoothGrad;
    throw Error("unknown method '" + std::string(name) +
                "': choose saliency, gradient-x-input, integrated-gradients or smoothgrad");
}

std::string_view attribution_method_name(AttributionMethod method) noexcept {
    switch (method) {
        case AttributionMethod::Saliency: return "saliency";
        case AttributionMethod::GradientXInput: return "gradient-x-input";
        case AttributionMethod::IntegratedGradients: return "integrated-gradients";
        case AttributionMethod::SmoothGrad: return "smoothgrad";
    }
    return "saliency";
}

std::vector<double> mean_baseline(const SavedModel& model, const Dataset& data) {
    std::vector<double> mean;
    for (const std::string& name : model.inputs()) {
        const std::vector<double>& column = data.column(name);
        mean.push_back(column.empty()
                           ? 0.0
                           : std::accumulate(column.begin(), column.end(), 0.0) / static_cast<double>(column.size()));
    }
    return mean;
}

Attributions explain(const SavedModel& model, const Dataset& data, const ExplainOptions& options) {
    check_options(options);
    std::optional<Jit> own;
    Jit& jit = options.jit ? *options.jit : own.emplace();
    const ExplainedFunction fn(model, options.output, jit);
    const Rows rows = read_rows(model, data, fn, options, jit);
    const PointRunner runner(fn, options.pool);
    Attributions out;
    out.inputs = model.inputs();
    // Saliency and gradient x input are the rows' gradients; the other methods need f alone.
    const bool gradients =
        options.method == AttributionMethod::Saliency || options.method == AttributionMethod::GradientXInput;
    std::vector<std::vector<double>> gradient;
    at_rows(fn, runner, rows, out, gradients ? &gradient : nullptr);
    if (fn.reads_class()) {
        const std::vector<double> classes = model.classes();
        for (const double k : rows.klass) out.target_class.push_back(classes[static_cast<std::size_t>(k)]);
    }
    switch (options.method) {
        case AttributionMethod::Saliency: out.values = std::move(gradient); break;
        case AttributionMethod::GradientXInput:
            out.values = std::move(gradient);
            for (std::size_t i = 0; i < out.values.size(); ++i)
                for (std::size_t r = 0; r < rows.count; ++r) out.values[i][r] *= rows.raw[i][r];
            break;
        case AttributionMethod::IntegratedGradients: {
            const std::vector<double> baseline =
                options.baseline.empty() ? std::vector<double>(fn.inputs(), 0.0) : options.baseline;
            integrated_gradients(fn, runner, rows, baseline, options, out);
            break;
        }
        case AttributionMethod::SmoothGrad: smoothgrad(fn, runner, rows, options, out); break;
    }
    return out;
}

}  // namespace gradc
