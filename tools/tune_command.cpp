// `gradc tune MODEL --data d.csv --target y --space "lr=log(1e-4,1e-1); ..."`: a search
// over fit's options (gradc/tune.hpp), each trial a `gradc fit` run on the training rows
// with a validation split, the chosen settings printed as a ready fit command.
#include "tune_command.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iostream>
#include <optional>

#include "gradc/error.hpp"
#include "gradc/model_file.hpp"
#include "gradc/tune.hpp"
#include "progress.hpp"
#include "save_option.hpp"
#include "subcommand.hpp"
#include "svg_plot.hpp"
#include "tune_report.hpp"

namespace gradc::cli {
namespace {

// The fit options a search cannot search, with why: tune sets them for every trial, or
// (loss) trials that differ in them cannot be compared.
const std::pair<const char*, const char*> kUnsearchable[] = {
    {"data", "every trial reads --data"},
    {"target", "every trial predicts --target"},
    {"epochs", "each trial's epochs come from the method; --epochs is a full trial's"},
    {"seed", "--seed fixes the validation split and every trial's shuffles"},
    {"validation", "every trial holds out the same --validation rows"},
    {"file", "the model is the same in every trial"},
    {"loss", "validation losses of different losses cannot be compared: give one --loss"},
    {"help", "it is not a setting"},
    {"save", "--save writes the chosen model"},
    {"plot", "--plot draws the search"},
    {"json", "--json writes the search"},
    {"history", "tune writes no per-epoch history: run the chosen command with --history"},
    {"row-order", "tune writes no row order: run the chosen command with --row-order"},
};

// Of those, the ones tune refuses on its command line, and the ones it keeps for itself
// rather than hand on to the trials (the others, as --loss, every trial shares).
constexpr std::string_view kRefusedByTune[] = {"history", "row-order"};
constexpr std::string_view kKeptByTune[] = {"data", "target", "epochs", "seed", "validation",
                                            "file", "save",   "plot",   "json"};

constexpr std::size_t kMostTrials = 100000, kMostThreads = 1024;

const char* unsearchable_reason(const std::string& name) {
    for (const auto& [unsearchable, why] : kUnsearchable)
        if (name == unsearchable) return why;
    return nullptr;
}

template <std::size_t N>
bool listed(const std::string_view (&names)[N], const std::string& name) {
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

std::string long_name(const CLI::Option* option) { return "--" + option->get_lnames().front(); }

// A flag's value as fit arguments: the bare flag when true, nothing when false (a flag
// given at all counts as given, as --nesterov does for the optimizers that refuse it),
// else --name=value for fit to refuse.
void add_flag(std::vector<std::string>& args, const std::string& name, const std::string& value) {
    static constexpr std::string_view truths[] = {"true", "1", "yes", "on"}, lies[] = {"false", "0", "no", "off"};
    if (std::find(std::begin(truths), std::end(truths), value) != std::end(truths))
        args.push_back(name);
    else if (std::find(std::begin(lies), std::end(lies), value) == std::end(lies))
        args.push_back(name + "=" + value);
}

// The fit options given on tune's command line, as fit arguments.
std::vector<std::string> fixed_arguments(const TuneCommandOptions& options) {
    std::vector<std::string> args;
    for (const CLI::Option* option : options.fit_flags) {
        if (option->count() == 0 || option->get_lnames().empty()) continue;
        const std::string& name = option->get_lnames().front();
        if (listed(kRefusedByTune, name)) throw Error(unsearchable_reason(name));
        if (listed(kKeptByTune, name)) continue;
        if (option->get_expected_min() == 0) {
            add_flag(args, long_name(option), option->as<bool>() ? "true" : "false");
            continue;
        }
        for (const std::string& value : option->results()) {
            args.push_back(long_name(option));
            args.push_back(value);
        }
    }
    return args;
}

// A fit command line that takes the settings: fit's own app, with its options bound.
struct FitParser {
    CLI::App app{"fit"};
    FitCommandOptions options;
    FitParser() { add_fit_options(&app, options); }

    // The fit arguments of one trial: the shared ones, then the drawn settings (flags as
    // add_flag() writes them).
    std::vector<std::string> arguments(const std::vector<std::string>& shared, const Settings& settings,
                                       std::size_t epochs) const {
        std::vector<std::string> args = shared;
        args.insert(args.end(), {"--epochs", std::to_string(epochs)});
        for (const Setting& s : settings) {
            if (app.get_option("--" + s.name)->get_expected_min() == 0) {
                add_flag(args, "--" + s.name, s.value);
            } else {
                args.push_back("--" + s.name);
                args.push_back(s.value);
            }
        }
        return args;
    }
    // Parses `args` (in order); CLI::ParseError for what fit would refuse.
    void parse(std::vector<std::string> args) {
        std::reverse(args.begin(), args.end());  // CLI11 takes them last first
        app.parse(args);
    }
    // Parses one trial's arguments.
    void parse(const std::vector<std::string>& shared, const Settings& settings, std::size_t epochs) {
        parse(arguments(shared, settings, epochs));
    }
};

// Refuses a searched name fit does not have, one tune sets itself, one also fixed, and
// two names of one option (ftol and tol).
void check_space(const SearchSpace& space, const std::vector<std::string>& fixed) {
    FitParser fit;
    std::vector<std::pair<const CLI::Option*, std::string>> searched;
    for (const SearchRange& r : space.ranges) {
        if (const char* why = unsearchable_reason(r.name)) throw Error("--space cannot search " + r.name + ": " + why);
        const CLI::Option* option = fit.app.get_option_no_throw("--" + r.name);
        if (option == nullptr)
            throw Error("--space: '" + r.name + "' is not an option of gradc fit (gradc fit --help lists them)");
        if (std::find(fixed.begin(), fixed.end(), long_name(option)) != fixed.end())
            throw Error("--" + r.name + " is both given and searched: leave it out of the command or of --space");
        for (const auto& [other, other_name] : searched)
            if (other == option) throw Error("--space: " + other_name + " and " + r.name + " are one option: keep one");
        searched.emplace_back(option, r.name);
    }
}

// `text` as one shell word.
std::string shell_word(const std::string& text) {
    const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("-_.,/=+:@%").find(c) != std::string_view::npos;
    });
    if (plain) return text;
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string command_line(const std::string& formula, const std::vector<std::string>& args) {
    std::string line = "gradc fit";
    if (!formula.empty()) line += " " + shell_word(formula);
    for (const std::string& a : args) line += " " + shell_word(a);
    return line;
}

// A value of the space that fit refuses whatever the other settings: one its command line
// cannot read (a word for a number, a real for a whole number), in each choice and the
// first configurations' draws, or that names nothing (an unknown optimizer).
void check_values(const SearchSpace& space, const std::vector<std::string>& shared, const TuneOptions& o) {
    const auto readable = [&](const Settings& settings, const std::string& what) {
        try {
            FitParser().parse(shared, settings, o.max_epochs);
        } catch (const CLI::ParseError& e) {
            throw Error("--space: fit refuses " + what + ": " + e.what());
        }
    };
    const Settings first = draw_settings(space, o.seed, 0);
    for (std::size_t k = 0; k < space.ranges.size(); ++k)
        for (const std::string& value : space.ranges[k].choices) {
            Settings settings = first;
            settings[k].value = value;
            readable(settings, space.ranges[k].name + "=" + value);
            try {
                check_fit_value(space.ranges[k].name, value);
            } catch (const Error& e) {
                throw Error("--space: fit refuses " + space.ranges[k].name + "=" + value + ": " + e.what());
            }
        }
    for (const Settings& settings : draw_configurations(space, o.seed, std::min<std::size_t>(o.trials, 32)))
        for (const Setting& s : settings) {
            Settings one = first;
            for (Setting& x : one)
                if (x.name == s.name) x.value = s.value;
            readable(one, s.name + "=" + s.value);
        }
}

TrialScore score_of(const FitRun& run) {
    TrialScore s;
    s.val_loss = run.result().val_loss;
    if (run.network && !run.network->model.classes.empty()) s.val_accuracy = run.network->val_accuracy;
    s.epochs = run.result().epochs;
    if (run.result().stop == FitStop::Diverged || run.result().stop == FitStop::Failed) {
        s.failed = true;
        s.reason = run.result().message;
    }
    return s;
}

// The --test rows, which need the target column.
Dataset read_test_rows(const std::string& path, const std::string& target) {
    Dataset test = read_csv_file(path);
    if (test.find(target) == Dataset::npos)
        throw Error("the test file '" + path + "' has no column '" + target + "' to compare with");
    return test;
}

// The chosen model on the --test rows: accuracy for a classifier, else the mean squared
// error of its predictions.
TestReport test_report(const SavedModel& model, const Dataset& test, const std::string& path, Jit& jit) {
    const std::vector<double> predicted = predict(model, test, &jit);
    const std::vector<double>& truth = test.columns[test.find(model.target)];
    TestReport report;
    report.path = path;
    report.rows = truth.size();
    report.classifier = model.is_classifier();
    double sum = 0;
    for (std::size_t r = 0; r < truth.size(); ++r)
        sum += report.classifier ? double(predicted[r] == truth[r])
                                 : (predicted[r] - truth[r]) * (predicted[r] - truth[r]);
    report.value = truth.empty() ? 0.0 : sum / double(truth.size());
    return report;
}

}  // namespace

CLI::App* add_tune_command(CLI::App& parent, TuneCommandOptions& options) {
    CLI::App* app = parent.add_subcommand(
        "tune", "search fit's settings (--space) for the best validation loss, and print the chosen fit command");
    add_fit_options(app, options.fit);
    for (const CLI::Option* option : app->get_options())
        if (option->get_name() != "--help") options.fit_flags.push_back(option);
    options.app = app;
    // The fit options that mean something else here.
    app->get_option("--epochs")->description("the epochs of a full trial (default 100)");
    app->get_option("--seed")->description("the seed of the draws, the validation split and every trial's shuffles");
    app->get_option("--validation")->description("the fraction of the rows every trial holds out (default 0.2)");
    app->get_option("--save")->description("write the chosen model to a file that gradc predict reads");
    app->get_option("--plot")->description("draw validation loss by trial and by each setting as an SVG chart");
    app->get_option("--json")->description("write the search as JSON");
    CLI::Option_group* search = app->add_option_group("Search");
    search->add_option("--space", options.space,
                       "the settings to search, as \"lr=log(1e-4,1e-1); optimizer=adam|gd; batch-size=16|32\": "
                       "log(a,b), uniform(a,b), int(a,b) or choices a|b|c");
    search->add_option("--method", options.method, "hyperband (default), halving or random");
    search->add_option("--trials", options.trials, "the most configurations tried (default 40)");
    search->add_option("--budget", options.budget, "the most epochs, summed over every trial (default: no limit)");
    search->add_option("--eta", options.eta, "halving and hyperband keep 1 in eta configurations per rung (default 3)");
    search->add_option("--metric", options.metric,
                       "choose on validation loss (default) or accuracy (classifiers: --mlp with --loss xent)");
    search->add_option("--threads", options.threads, "threads for the trials (default 0: one per core)");
    search->add_option("--test", options.test,
                       "a CSV file of test rows, read only to report the chosen model's accuracy (or mse) on it");
    search->add_flag("--no-times", options.no_times, "leave the seconds out, so that the output repeats exactly");
    app->footer(
        "Example:\n"
        "  gradc tune --mlp 32 --loss xent --data digits.csv --target label --space \"lr=log(1e-3,1e-1); "
        "optimizer=adam|rmsprop\" --epochs 20 --trials 20 --seed 1");
    return app;
}

int run_tune(const TuneCommandOptions& options) {
    const FitCommandOptions& fit = options.fit;
    if (options.space.empty()) throw Error("tune needs the settings to search, as in --space \"lr=log(1e-4,1e-1)\"");
    if (fit.data.empty()) throw Error("tune needs data: name a CSV file, as in --data data.csv");
    if (fit.target.empty()) throw Error("tune needs the column to predict, as in --target y");
    const SearchSpace space = parse_search_space(options.space);
    const std::vector<std::string> fixed = fixed_arguments(options);
    check_space(space, fixed);
    const auto count = [](long long v, const char* option) {
        if (v < 0) throw Error(std::string(option) + " must be 0 or more");
        return static_cast<std::size_t>(v);
    };
    TuneOptions o;
    o.method = search_method_named(options.method);
    o.trials = count(options.trials, "--trials");
    if (o.trials > kMostTrials) throw Error("--trials is at most " + std::to_string(kMostTrials));
    o.max_epochs = count(fit.epochs, "--epochs");
    if (options.app->count("--budget") > 0) o.budget = count(options.budget, "--budget");
    o.eta = count(options.eta, "--eta");
    o.seed = count(fit.seed, "--seed");
    if (options.metric != "loss" && options.metric != "accuracy")
        throw Error("--metric is loss or accuracy, not '" + options.metric + "'");
    o.by_accuracy = options.metric == "accuracy";
    o.threads = count(options.threads, "--threads");
    if (o.threads > kMostThreads) throw Error("--threads is at most " + std::to_string(kMostThreads));
    const double validation = options.app->count("--validation") > 0 ? fit.validation : 0.2;
    if (!(validation > 0 && validation < 1))
        throw Error("tune chooses on held-out rows: --validation must be above 0 and below 1, as in --validation 0.2");
    if (!fit.save.empty()) check_save_path(fit.save);

    const bool network = !fit.mlp.empty() || std::any_of(space.ranges.begin(), space.ranges.end(),
                                                         [](const SearchRange& r) { return r.name == "mlp"; });
    const bool has_formula = !fit.common.source.expr.empty() || !fit.common.source.file.empty();
    if (network && has_formula) throw Error("--mlp builds the model itself: leave out the formula, or leave out --mlp");
    if (!network && !has_formula) throw Error("tune needs a model: a formula, --mlp, or mlp in --space");
    const std::string formula = network ? std::string() : read_formula(fit.common.source);
    if (o.by_accuracy && !(network && Loss::named(fit.loss).kind == LossKind::CrossEntropy))
        throw Error("--metric accuracy ranks classifiers: fit a network with --loss xent, or choose on the loss");

    std::vector<std::string> shared = {"--data",       fit.data,
                                       "--target",     fit.target,
                                       "--seed",       std::to_string(o.seed),
                                       "--validation", number_text(validation)};
    shared.insert(shared.end(), fixed.begin(), fixed.end());
    check_values(space, shared, o);

    const Dataset data = read_csv_file(fit.data);
    if (!network) (void)check_formula_fit(fit, formula, data);
    // The test rows are read now so that a mistake in them costs no search; they are
    // used after the choice only.
    std::optional<Dataset> test;
    if (!options.test.empty()) test = read_test_rows(options.test, fit.target);
    JitOptions jit_options;
    jit_options.max_kernel_size = limits().max_kernel_size;
    Jit jit(jit_options);
    jit.keep_compiled_code();  // trials of one model shape share its kernel
    const TrialFunction train = [&](const Settings& settings, std::size_t epochs, ThreadPool* pool) {
        FitParser parser;
        parser.parse(shared, settings, epochs);
        return score_of(fit_quietly(parser.options, formula, data, jit, pool));
    };

    std::optional<PlotFile> plot;
    if (!fit.plot.empty()) plot.emplace(fit.plot);
    ProgressBar bar("trial", "best val_loss", plan_search(space, o).trials(), ProgressBar::wanted(fit.common.json));
    double best = INFINITY;
    TuneReport report;
    report.result = tune(space, o, train, [&](const TrialRecord& t, std::size_t ended) {
        if (!t.score.failed) best = std::min(best, t.score.val_loss);
        bar.update(ended, best);
    });
    bar.finish();
    report.space = space;
    report.options = o;
    report.validation = validation;
    report.kernels = jit.stats();
    report.times = !options.no_times;
    const TuneResult& result = report.result;
    if (result.best) {
        const TrialRecord& chosen = result.trials[*result.best];
        const std::vector<std::string> args = FitParser().arguments(shared, chosen.settings, o.max_epochs);
        report.command = command_line(formula, args);
        if (!fit.save.empty() || test) {
            // The chosen trial again: fits are deterministic, so this is its model.
            FitParser parser;
            parser.parse(args);
            const FitRun run = fit_quietly(parser.options, formula, data, jit, nullptr);
            if (!fit.save.empty()) save_model(fit.save, run.model);
            if (test) report.test = test_report(run.model, *test, options.test, jit);
        }
    }
    if (plot) plot->write(tune_svg(report));
    if (fit.common.json)
        print_json(tune_json(report));
    else
        write_tune_text(std::cout, report);
    return result.best ? kExitOk : kExitCheckFailed;
}

}  // namespace gradc::cli
