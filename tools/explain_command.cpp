// `gradc explain MODEL --data rows.csv`: how much each input column contributed to a
// saved model's output at each row (gradc/explain.hpp), as CSV with the inputs' names,
// JSON, and with --plot a picture.
#include "explain_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "attribution_plot.hpp"
#include "gradc/dataset.hpp"
#include "gradc/error.hpp"
#include "gradc/explain.hpp"
#include "gradc/model_file.hpp"
#include "gradc/print.hpp"
#include "gradc/thread_pool.hpp"
#include "subcommand.hpp"
#include "svg_plot.hpp"

namespace gradc::cli {
namespace {

// The most rows --plot draws as images.
constexpr std::size_t kImageRows = 8;

struct ImageShape {
    std::size_t height = 0, width = 0;
};

ImageShape image_shape(const std::string& text, std::size_t inputs) {
    std::size_t height = 0, width = 0;
    char x = 0, rest = 0;
    if (std::sscanf(text.c_str(), "%zu%c%zu%c", &height, &x, &width, &rest) != 3 || x != 'x' || height == 0 ||
        width == 0)
        throw Error("--image takes the image's height and width, as in --image 8x8, not '" + text + "'");
    if (height * width != inputs)
        throw Error("--image " + text + " has " + std::to_string(height * width) + " pixels; the model reads " +
                    std::to_string(inputs) + " columns");
    return {height, width};
}

std::vector<double> baseline_of(const ExplainCommandOptions& o, const SavedModel& model, const Dataset& data) {
    if (o.baseline == "zeros") return {};
    if (o.baseline == "mean") return mean_baseline(model, data);
    const Dataset file = read_csv_file(o.baseline);
    if (file.rows() != 1)
        throw Error("the baseline file '" + o.baseline + "' has " + std::to_string(file.rows()) +
                    " rows; give one row holding the columns the model reads");
    std::vector<double> values;
    for (const std::string& name : model.inputs()) {
        if (file.find(name) == Dataset::npos)
            throw Error("the baseline file '" + o.baseline + "' has no column '" + name +
                        "', which the model reads; --baseline takes zeros, mean or a CSV file of one row");
        values.push_back(file.column(name)[0]);
    }
    return values;
}

ExplainOptions explain_options(const ExplainCommandOptions& o, const SavedModel& model, const Dataset& data) {
    ExplainOptions e;
    e.method = attribution_method_named(o.method);
    if (o.output == "probability")
        e.output = ExplainedOutput::Probability;
    else if (o.output != "logit")
        throw Error("--output takes logit or probability, not '" + o.output + "'");
    const bool integrated = e.method == AttributionMethod::IntegratedGradients;
    if (!integrated && o.baseline != "zeros")
        throw Error("--baseline sets where integrated gradients start; --method " + o.method + " has none");
    e.target_class = o.target_class;
    if (integrated) e.baseline = baseline_of(o, model, data);
    e.steps = o.steps;
    e.max_steps = o.max_steps;
    e.tolerance = o.tolerance;
    e.exact = !o.quadrature;
    e.samples = o.samples;
    e.noise = o.noise;
    e.seed = o.seed;
    return e;
}

// One line on standard error: how integrated gradients were taken and how well the
// attributions add up to f(x) - f(baseline).
void report_completeness(const Attributions& a, const ExplainCommandOptions& o) {
    double worst = 0.0;
    std::size_t most_steps = 0;
    for (std::size_t r = 0; r < a.gap.size(); ++r) {
        const double change = std::abs(a.output[r] - a.baseline_output[r]);
        worst = std::max(worst, change > 0 ? std::abs(a.gap[r]) / change : std::abs(a.gap[r]));
        most_steps = std::max(most_steps, a.steps[r]);
    }
    char gap[32];
    std::snprintf(gap, sizeof gap, "%.2g", worst);
    std::cerr << "integrated gradients from baseline " << o.baseline << ", "
              << (a.exact ? "exact (piecewise linear)"
                          : "quadrature with up to " + std::to_string(most_steps) + " nodes")
              << ", " << a.gap.size() << " rows: completeness gap at most " << gap << " of |f(x) - f(baseline)|\n";
}

void print_json_attributions(const Attributions& a, const ExplainCommandOptions& o) {
    JsonArray rows;
    for (std::size_t r = 0; r < a.output.size(); ++r) {
        JsonObject row{{"f", a.output[r]}};
        if (!a.target_class.empty()) row.emplace_back("class", a.target_class[r]);
        JsonArray values;
        for (const auto& column : a.values) values.emplace_back(column[r]);
        row.emplace_back("attributions", std::move(values));
        if (!a.gap.empty()) {
            row.emplace_back("f_baseline", a.baseline_output[r]);
            row.emplace_back("gap", a.gap[r]);
            row.emplace_back("steps", static_cast<double>(a.steps[r]));
        }
        rows.emplace_back(std::move(row));
    }
    JsonObject out{{"method", o.method}, {"output", o.output}, {"inputs", JsonArray(a.inputs.begin(), a.inputs.end())}};
    if (!a.gap.empty()) out.emplace_back("exact", a.exact);
    out.emplace_back("rows", std::move(rows));
    print_json(std::move(out));
}

// As write_csv() writes them (the same header and numbers), a row at a time: a copy of
// every attribution as one string would double the memory of a large explanation.
void print_csv(const Attributions& a) {
    std::cout << write_csv(Dataset{a.inputs, std::vector<std::vector<double>>(a.inputs.size())});
    std::string line;
    for (std::size_t r = 0; r < a.output.size(); ++r) {
        line.clear();
        for (std::size_t i = 0; i < a.values.size(); ++i)
            line.append(i ? "," : "").append(shortest_number(a.values[i][r]));
        std::cout << line << '\n';
    }
}

}  // namespace

CLI::App* add_explain_command(CLI::App& parent, ExplainCommandOptions& options) {
    CLI::App* app =
        parent.add_subcommand("explain", "how much each input column contributed to a saved model's output");
    app->add_option("MODEL", options.model, "the model file that gradc fit --save wrote");
    app->add_option("--data", options.data, "the CSV file of rows to explain; it needs the columns the model reads");
    app->add_option("--method", options.method,
                    "saliency, gradient-x-input, integrated-gradients or smoothgrad (default integrated-gradients)");
    app->add_option("--baseline", options.baseline,
                    "where integrated gradients start: zeros, mean (of the rows) or a CSV file of one row "
                    "(default zeros)");
    app->add_option("--steps", options.steps, "quadrature nodes to start with (default 16)");
    app->add_option("--max-steps", options.max_steps, "the most quadrature nodes for a row (default 1024)");
    app->add_option("--tolerance", options.tolerance,
                    "the completeness gap allowed, relative to |f(x) - f(baseline)| (default 1e-4)");
    app->add_flag("--quadrature", options.quadrature, "quadrature even where the exact method applies");
    app->add_option("--samples", options.samples, "smoothgrad: noisy copies of each row (default 50)");
    app->add_option("--noise", options.noise,
                    "smoothgrad: the noise's standard deviation, a fraction of each column's range (default 0.1)");
    app->add_option("--seed", options.seed, "smoothgrad: the noise's seed (default 0)");
    app->add_option("--target-class", options.target_class,
                    "explain this class's output rather than each row's predicted class");
    app->add_option("--output", options.output, "a classifier's logit or probability (default logit)");
    app->add_option("--plot", options.plot, "draw the attributions as SVG");
    app->add_option("--image", options.image,
                    "the inputs are an image's pixels, row by row, as in 8x8: --plot draws heat maps");
    app->add_option("--threads", options.threads, "threads for the kernel; 0 is one per hardware thread (default 1)");
    app->add_flag("--json", options.json, "write JSON for scripts");
    app->footer(
        "Examples:\n"
        "  gradc explain model.json --data rows.csv                          integrated gradients from zeros\n"
        "  gradc explain model.json --data rows.csv --method saliency --json\n"
        "  gradc explain digits.json --data rows.csv --image 8x8 --plot heat.svg");
    return app;
}

int run_explain(const ExplainCommandOptions& options) {
    if (options.model.empty())
        throw Error(
            "explain needs a model file, as in gradc explain model.json --data rows.csv; "
            "gradc fit --save model.json writes one");
    if (options.data.empty()) throw Error("explain needs data: name a CSV file of rows, as in --data rows.csv");
    const SavedModel model = load_model(options.model);
    const Dataset data = read_csv_file(options.data);
    ExplainOptions e = explain_options(options, model, data);
    const ImageShape image = options.image.empty() ? ImageShape{} : image_shape(options.image, model.inputs().size());
    std::optional<PlotFile> plot;
    if (!options.plot.empty()) plot.emplace(options.plot);
    ThreadPool pool(options.threads);
    e.pool = &pool;
    e.jit = &command_jit();
    const Attributions a = explain(model, data, e);
    if (!a.gap.empty()) report_completeness(a, options);
    if (options.json)
        print_json_attributions(a, options);
    else
        print_csv(a);
    if (plot) {
        const std::string title = options.method + " of " + options.model;
        if (image.height > 0) {
            const std::size_t rows = std::min(kImageRows, data.rows());
            std::vector<std::vector<double>> pixels;
            for (const std::string& name : a.inputs) {
                const std::vector<double>& column = data.column(name);
                pixels.emplace_back(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(rows));
            }
            std::vector<std::string> labels;
            for (const double c : a.target_class) labels.push_back("class " + number_text(c));
            plot->write(svg_attribution_images(title, pixels, a.values, image.height, image.width, rows, labels));
        } else {
            plot->write(svg_attribution_bars(title, a.inputs, a.values));
        }
    }
    return kExitOk;
}

}  // namespace gradc::cli
