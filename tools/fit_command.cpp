// `gradc fit MODEL --data d.csv --target y`: the model's parameters fitted to a CSV
// file with a loss and an optimizer, through the library's fit() (gradc/fit.hpp).
#include "fit_command.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <optional>
#include <string_view>
#include <utility>

#include "fit_report.hpp"
#include "gradc/error.hpp"
#include "gradc/fit.hpp"
#include "gradc/model_file.hpp"
#include "gradc/nn.hpp"
#include "optimizer_options.hpp"
#include "run_watch.hpp"
#include "save_option.hpp"
#include "support/joined.hpp"

namespace gradc::cli {
namespace {

using support::joined;

std::size_t count(long long value, const std::string& option, const std::string& example) {
    if (value < 0) throw Error(option + " must be 0 or more, as in " + option + " " + example);
    return static_cast<std::size_t>(value);
}

struct ParamFlag {
    std::string name;
    std::optional<double> start;
};

// --param NAME or --param NAME=START.
ParamFlag param_flag(const std::string& text) {
    const std::size_t eq = text.find('=');
    ParamFlag flag{text.substr(0, eq), std::nullopt};
    if (flag.name.empty()) throw Error("--param takes a parameter's name, or name=start, as in --param w=0.5");
    if (eq != std::string::npos) {
        const std::string value = text.substr(eq + 1);
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (value.empty() || end != value.c_str() + value.size())
            throw Error("the start of " + flag.name + " in --param is not a number: '" + value +
                        "'; write it like 2, -0.5 or 1e-3");
        flag.start = v;
    }
    return flag;
}

FitOptions fit_options(const FitCommandOptions& options) {
    FitOptions o;
    o.target = options.target;
    o.loss = Loss::named(options.loss);
    o.method = method_named(options.optimizer);
    if (options.lr_option->count() > 0) {
        if (!(options.lr > 0) || !std::isfinite(options.lr))
            throw Error("--lr must be a positive number, as in --lr 0.01");
        o.learning_rate = options.lr;
    }
    o.epochs = count(options.epochs, "--epochs", "100");
    if (options.batch_option->count() > 0) o.batch_size = count(options.batch_size, "--batch-size", "32");
    if (o.method == Method::Lbfgs && o.batch_size.value_or(0) > 0)
        throw Error(
            "lbfgs takes the full batch: leave out --batch-size, or choose a first-order optimizer, as in "
            "--optimizer adam");
    o.shuffle = !options.no_shuffle;
    o.exact_epoch_loss = options.exact_loss;
    o.seed = static_cast<std::uint64_t>(count(options.seed, "--seed", "1"));
    if (!(options.validation >= 0 && options.validation < 1))
        throw Error("--validation is the fraction of rows held out, at least 0 and below 1, as in --validation 0.2");
    o.validation = options.validation;
    o.patience = count(options.patience, "--patience", "5");
    if (o.patience > 0 && o.validation == 0)
        throw Error("--patience stops on the validation loss: hold out rows with it, as in --validation 0.2");
    if (!(options.l1 >= 0) || !(options.l2 >= 0)) throw Error("--l1 and --l2 must be 0 or more, as in --l2 1e-4");
    o.l1 = options.l1;
    o.l2 = options.l2;
    if (options.tol_option->count() > 0) {
        if (!(options.tolerance >= 0)) throw Error("--ftol must be 0 or more, as in --ftol 1e-6");
        o.tolerance = options.tolerance;
    }
    if (options.gtol_option->count() > 0) {
        if (o.method != Method::Lbfgs)
            throw Error("--gtol stops L-BFGS on the gradient; first-order fits stop on --ftol, --patience or --epochs");
        if (!(options.gradient_tolerance > 0) || !std::isfinite(options.gradient_tolerance))
            throw Error("--gtol must be a positive number, as in --gtol 1e-8");
        o.gradient_tolerance = options.gradient_tolerance;
    }
    o.drop_nonfinite = options.drop_nonfinite;
    o.standardize = options.standardize;
    o.parse_limits = limits().parse;
    o.max_nodes = limits().max_nodes;
    return o;
}

// Refuses a parameter that looks like a misspelt column, unless --param confirms it.
void check_lookalikes(const ModelNames& names, const Dataset& data, const std::vector<ParamFlag>& flags) {
    for (const Lookalike& l : lookalike_columns(names.params, data.names)) {
        const bool confirmed =
            std::any_of(flags.begin(), flags.end(), [&](const ParamFlag& f) { return f.name == l.param; });
        if (!confirmed)
            throw Error("'" + l.param + "' looks like the column '" + l.column +
                        "': correct the spelling if it is data, or use --param " + l.param + " if it is a parameter");
    }
    for (const ParamFlag& f : flags)
        if (std::find(names.params.begin(), names.params.end(), f.name) == names.params.end())
            throw Error("--param " + f.name + ": '" + f.name +
                        "' is not a parameter of the model; its parameters are " + joined(names.params));
}

void write_history(const std::string& path, const FitResult& result) {
    std::ofstream out(path);
    if (!out) throw Error("cannot write the history to '" + path + "': check that its folder exists");
    out << "epoch,loss,val_loss\n";
    for (std::size_t k = 0; k < result.history.size(); ++k) {
        // L-BFGS records only its last iteration.
        const std::size_t epoch = result.history.size() == 1 ? result.epochs : k + 1;
        out << epoch << ',' << number_text(result.history[k].loss) << ',' << number_text(result.history[k].val_loss)
            << '\n';
    }
}

// --row-order: the rows held out and each epoch's rows in order (fit_row_order), as
// {"validation": [...], "epochs": [[...], ...]} with 0 for the first data row.
void write_row_order(const std::string& path, std::size_t row_count, const FitOptions& options) {
    const FitRowOrder order = fit_row_order(row_count, options);
    const auto numbers = [](const std::vector<std::size_t>& rows) {
        JsonArray list;
        list.reserve(rows.size());
        for (std::size_t r : rows) list.emplace_back(static_cast<double>(r));
        return list;
    };
    JsonArray epochs;
    for (const std::vector<std::size_t>& rows : order.epochs) epochs.emplace_back(numbers(rows));
    std::ofstream out(path);
    if (!out) throw Error("cannot write the row order to '" + path + "': check that its folder exists");
    write_json(out, JsonObject{{"validation", numbers(order.validation)}, {"epochs", std::move(epochs)}}, std::cerr);
}

// Prints the report as text or JSON; a failed run says why on standard error under --json.
int print_report(const FitReport& report, bool json) {
    if (json) {
        if (report.failed) std::cerr << "gradc: " << stop_line(report) << '\n';
        print_json(fit_json(report));
    } else {
        write_fit_text(std::cout, report);
    }
    return report.failed ? kExitCheckFailed : kExitOk;
}

// "64,32" -> {64, 32}.
std::vector<std::size_t> hidden_sizes(const std::string& text) {
    std::vector<std::size_t> sizes;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, comma - start);
        char* end = nullptr;
        const unsigned long long n = std::strtoull(item.c_str(), &end, 10);
        if (item.empty() || end != item.c_str() + item.size() || n == 0 || n > 100000)
            throw Error("--mlp takes hidden layer sizes separated by commas, each 1 or more, as in --mlp 64,32; got '" +
                        text + "'");
        sizes.push_back(static_cast<std::size_t>(n));
        start = comma + 1;
    }
    return sizes;
}

// --mlp's network, refusing a formula or --param beside it; sets the network's default
// batch size.
nn::MlpOptions network_options(const FitCommandOptions& options, FitOptions& settings) {
    if (!options.common.source.expr.empty() || !options.common.source.file.empty())
        throw Error("--mlp builds the model itself: leave out the formula, or leave out --mlp");
    if (!options.params.empty()) throw Error("--param names a formula's parameter: it does not go with --mlp");
    nn::MlpOptions net;
    net.hidden = hidden_sizes(options.mlp);
    net.activation = nn::activation_named(options.activation);
    if (!settings.batch_size && settings.method != Method::Lbfgs) settings.batch_size = kNetworkBatchSize;
    return net;
}

// The starting values --param gives.
void add_starts(const std::vector<ParamFlag>& flags, FitOptions& settings) {
    for (const ParamFlag& f : flags)
        if (f.start) settings.initial.emplace_back(f.name, *f.start);
}

// --mlp: a network over every column but the target; prints no parameters (there are
// thousands: --json has them), but the accuracy of a classifier.
int run_mlp_fit(const FitCommandOptions& options, FitOptions& settings) {
    settings.jit = &command_jit();
    const nn::MlpOptions net = network_options(options, settings);
    const Dataset data = read_csv_file(options.data);
    if (!options.row_order.empty()) write_row_order(options.row_order, data.rows(), settings);
    RunWatch watch("epoch", "loss", settings.epochs, options.common.json, options.plot);
    settings.on_epoch = [&watch](std::size_t epoch, const EpochLoss& loss) {
        watch.record(epoch, loss.loss, loss.val_loss);
    };
    const nn::MlpFitResult fitted = nn::fit_mlp(data, net, settings);
    const FitResult& result = fitted.fit;
    watch.finish(fitted.model.spec.describe());
    if (!options.history.empty()) write_history(options.history, result);
    if (!options.save.empty()) save_model(options.save, saved_model(fitted, settings));

    FitReport report = fit_report(result, settings, options.drop_nonfinite);
    report.network = fitted.model.spec.describe();
    report.network_params = fitted.model.spec.param_count();
    if (!fitted.model.classes.empty()) {
        report.accuracy = fitted.accuracy;
        if (settings.validation > 0) report.val_accuracy = fitted.val_accuracy;
    }
    return print_report(report, options.common.json);
}

}  // namespace

void add_fit_options(CLI::App* app, FitCommandOptions& options) {
    app->add_option("EXPR", options.common.source.expr,
                    "the model, e.g. \"w*x + b\": columns are data, other names parameters");
    app->add_option("-f,--file", options.common.source.file, "read the model from FILE ('-' for standard input)");
    app->add_option("--data", options.data, "the CSV file: a header of column names, then rows of numbers");
    app->add_option("--target", options.target, "the column the model predicts");
    app->add_option("--loss", options.loss,
                    "mse (default), mae, huber, bce (the model gives a logit) or a formula in p and y");
    app->add_option("--optimizer", options.optimizer,
                    "lbfgs (default, full batch), gd (or sgd), momentum, nesterov, adagrad, rmsprop, adam or adamw");
    options.lr_option =
        app->add_option("--lr", options.lr, "the learning rate (default: the optimizer's, as in PyTorch)");
    app->add_option("--epochs", options.epochs, "the most epochs (passes over the data) to run (default 100)");
    options.batch_option = app->add_option("--batch-size", options.batch_size,
                                           "rows per step (default: all rows, but 32 for --mlp with a first-order "
                                           "optimizer; 0: all rows)");
    app->add_flag("--no-shuffle", options.no_shuffle, "visit the rows in file order in every epoch");
    app->add_flag("--exact-loss", options.exact_loss,
                  "report each epoch's loss at the parameters it ended with, not the mean of its batches' losses "
                  "(one more pass over the rows per epoch)");
    app->add_option("--seed", options.seed, "the seed of the shuffles and the validation split (default 0)");
    app->add_option("--validation", options.validation, "the fraction of rows held out for the validation loss");
    app->add_option("--patience", options.patience,
                    "stop when the validation loss has not improved for N epochs, keeping the best parameters");
    app->add_option("--l1", options.l1, "add l1 times the sum of |parameter| to the loss");
    app->add_option("--l2", options.l2, "add l2 times the sum of parameter^2 to the loss");
    options.tol_option = app->add_option("--ftol,--tol", options.tolerance,
                                         "stop when an epoch changes the training loss by at most this of itself "
                                         "(default: off, but 1e-10 for lbfgs)");
    options.gtol_option = app->add_option("--gtol", options.gradient_tolerance,
                                          "lbfgs: stop when every partial derivative of the loss is within this of 0 "
                                          "(default 1e-8)");
    app->add_flag("--drop-nonfinite", options.drop_nonfinite,
                  "skip rows with nan or inf in a column the model reads, instead of refusing the data");
    app->add_flag("--standardize", options.standardize, "standardize the model's data columns (mean 0, scale 1)");
    app->add_option("--param", options.params, "NAME or NAME=START: confirm a parameter, and set where it starts")
        ->allow_extra_args(false);
    app->add_option("--history", options.history, "write the loss of every epoch to a CSV file");
    app->add_option("--plot", options.plot, "draw the loss (and validation loss) of every epoch as an SVG chart");
    app->add_option("--row-order", options.row_order,
                    "write the rows held out and every epoch's rows in order (JSON, 0 the first data row), to repeat "
                    "the run elsewhere");
    app->add_option("--save", options.save, "write the fitted model to a file that gradc predict reads");
    app->add_option("--mlp", options.mlp,
                    "fit a neural network with these hidden layer sizes (as in 64,32) on every column but the target");
    app->add_option("--activation", options.activation,
                    "--mlp's hidden activation: relu (default), tanh, sigmoid, "
                    "softplus or identity");
    app->add_flag("--json", options.common.json, "write JSON for scripts");
    add_optimizer_options(*app, options.tuning);
}

CLI::App* add_fit_command(CLI::App& parent, FitCommandOptions& options) {
    CLI::App* app = parent.add_subcommand("fit", "fit a model's parameters to a CSV file (--data, --target)");
    add_fit_options(app, options);
    app->footer(
        "Examples:\n"
        "  gradc fit \"w*x + b\" --data line.csv --target y\n"
        "  gradc fit \"w*x + b\" --data line.csv --target y --optimizer adam --lr 0.1 --epochs 300 "
        "--plot loss.svg\n"
        "  gradc fit \"w*x + b\" --data line.csv --target y --optimizer momentum --lr 0.01 --momentum 0.5 "
        "--schedule step:50:0.5");
    return app;
}

ModelNames check_formula_fit(const FitCommandOptions& options, const std::string& model, const Dataset& data) {
    const ModelNames names = model_names(model, data.names, limits().parse);
    if (data.find(options.target) == Dataset::npos)
        throw Error("there is no column '" + options.target + "' to predict; the columns are " +
                    (data.names.empty() ? "none" : joined(data.names)));
    if (names.params.empty())
        throw Error("the model has no parameters to fit: every name in it is a column of the data (" +
                    (names.data.empty() ? "none" : joined(names.data)) + ")");
    std::vector<ParamFlag> flags;
    for (const std::string& text : options.params) flags.push_back(param_flag(text));
    check_lookalikes(names, data, flags);
    return names;
}

void check_fit_value(const std::string& name, const std::string& value) {
    if (name == "optimizer") (void)method_named(value);
    if (name == "loss") (void)Loss::named(value);
    if (name == "activation") (void)nn::activation_named(value);
    if (name == "mlp") (void)hidden_sizes(value);
}

FitRun fit_quietly(const FitCommandOptions& options, const std::string& model, const Dataset& data, Jit& jit,
                   ThreadPool* pool) {
    FitOptions settings = fit_options(options);
    settings.jit = &jit;
    settings.pool = pool;
    const OptimizerChoice choice = choose_optimizer(settings.method, settings.learning_rate, options.tuning);
    settings.optimizer = choice.optimizer.get();
    settings.lbfgs_history = choice.lbfgs_history;
    if (!options.mlp.empty()) {
        nn::MlpFitResult fitted = nn::fit_mlp(data, network_options(options, settings), settings);
        settings.optimizer = nullptr;
        SavedModel saved = saved_model(fitted, settings);
        return FitRun{std::move(fitted), {}, std::move(saved)};
    }
    if (settings.loss.kind == LossKind::CrossEntropy)
        throw Error("the xent loss needs one output per class: fit a network, as in --mlp 32 --loss xent");
    std::vector<ParamFlag> flags;
    for (const std::string& text : options.params) flags.push_back(param_flag(text));
    add_starts(flags, settings);
    FitResult result = fit(model, data, settings);
    settings.optimizer = nullptr;
    SavedModel saved = saved_model(result, settings);
    return FitRun{std::nullopt, std::move(result), std::move(saved)};
}

int run_fit(const FitCommandOptions& options) {
    FitOptions settings = fit_options(options);
    const OptimizerChoice choice = choose_optimizer(settings.method, settings.learning_rate, options.tuning);
    settings.optimizer = choice.optimizer.get();
    settings.lbfgs_history = choice.lbfgs_history;
    if (options.data.empty()) throw Error("fit needs data: name a CSV file, as in --data data.csv");
    if (options.target.empty()) throw Error("fit needs the column to predict, as in --target y");
    if (!options.save.empty()) check_save_path(options.save);
    if (!options.mlp.empty()) return run_mlp_fit(options, settings);
    if (settings.loss.kind == LossKind::CrossEntropy)
        throw Error("the xent loss needs one output per class: fit a network, as in gradc fit --mlp 32 --loss xent");
    settings.jit = &command_jit();
    const std::string model = read_formula(options.common.source);
    const Dataset data = read_csv_file(options.data);
    const ModelNames names = check_formula_fit(options, model, data);
    std::vector<ParamFlag> flags;
    for (const std::string& text : options.params) flags.push_back(param_flag(text));
    std::vector<std::size_t> read;  // the columns the model reads: refused or emptied data, before the names print
    for (const std::string& name : names.data) read.push_back(data.find(name));
    read.push_back(data.find(options.target));
    std::size_t dropped = 0;
    finite_rows(data, read, settings.drop_nonfinite, dropped);
    add_starts(flags, settings);
    if (!options.row_order.empty()) write_row_order(options.row_order, data.rows() - dropped, settings);

    RunWatch watch("epoch", "loss", settings.epochs, options.common.json, options.plot);
    // A model may read no column, as "w" does; one without parameters was refused above.
    if (!options.common.json)
        std::cout << "data: " << (names.data.empty() ? "none" : joined(names.data))
                  << "\nparameters: " << joined(names.params) << '\n';
    settings.on_epoch = [&watch](std::size_t epoch, const EpochLoss& loss) {
        watch.record(epoch, loss.loss, loss.val_loss);
    };
    const FitResult result = fit(model, data, settings);
    watch.finish(model);
    if (!options.history.empty()) write_history(options.history, result);
    if (!options.save.empty()) save_model(options.save, saved_model(result, settings));

    return print_report(fit_report(result, settings, options.drop_nonfinite), options.common.json);
}

}  // namespace gradc::cli
