// gradc tune's search against the full grid, on the digits (data/digits.csv with its
// fixed 80/20 split): a classifier chosen on a validation part of the training rows,
// scored once on the test rows.
//
// The space: lr = log(1e-4, 1e-1), optimizer adam|gd|rmsprop, batch size 16|32|64,
// l2 = log(1e-6, 1e-2), hidden layers 32|64|64,32. The grid takes every choice and 3
// log-spaced values of each continuous range (243 points), each trained for the full
// epochs with 3 seeds; its best point has the best mean validation accuracy. Hyperband
// then runs once per seed with a quarter of the grid's epochs shared among the three
// runs; each run's chosen settings are trained with that seed and scored on the test rows.
// Prints both mean test accuracies and the epochs each spent.
//   tune_digits_bench [DATA_FOLDER] [EPOCHS] [THREADS]   (defaults: data 30 2)
#include <gradc/gradc.hpp>
#include <gradc/tune.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "digits_split.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kSeeds[] = {1, 2, 3};

std::string value_of(const gradc::Settings& settings, const std::string& name) {
    for (const gradc::Setting& s : settings)
        if (s.name == name) return s.value;
    return {};
}

// A fit as `gradc fit --mlp H --loss xent --standardize --validation 0.2` with the settings.
gradc::nn::MlpFitResult train(const gradc::Dataset& data, const gradc::Settings& settings, std::size_t epochs,
                              std::uint64_t seed, gradc::Jit& jit) {
    gradc::FitOptions o;
    o.target = "target";
    o.loss = gradc::Loss::named("xent");
    o.method = gradc::method_named(value_of(settings, "optimizer"));
    o.learning_rate = std::stod(value_of(settings, "lr"));
    o.batch_size = std::stoul(value_of(settings, "batch-size"));
    o.l2 = std::stod(value_of(settings, "l2"));
    o.epochs = epochs;
    o.standardize = true;
    o.validation = 0.2;
    o.seed = seed;
    o.jit = &jit;
    gradc::nn::MlpOptions net;
    const std::string mlp = value_of(settings, "mlp");
    for (std::size_t start = 0; start <= mlp.size();) {
        const std::size_t comma = std::min(mlp.find(',', start), mlp.size());
        net.hidden.push_back(std::stoul(mlp.substr(start, comma - start)));
        start = comma + 1;
    }
    return gradc::nn::fit_mlp(data, net, o);
}

std::string text(const gradc::Settings& settings) {
    std::string t;
    for (const gradc::Setting& s : settings) t += (t.empty() ? "" : " ") + s.name + "=" + s.value;
    return t;
}

// The mean test accuracy over the seeds of `chosen[k]` trained with kSeeds[k].
double test_accuracy(const gradc::Dataset& train_rows, const gradc::Dataset& test_rows,
                     const std::vector<gradc::Settings>& chosen, std::size_t epochs, gradc::Jit& jit) {
    double mean = 0;
    for (std::size_t k = 0; k < std::size(kSeeds); ++k) {
        const gradc::nn::MlpFitResult r = train(train_rows, chosen[k], epochs, kSeeds[k], jit);
        const double a = gradc::nn::accuracy(r.model, test_rows, "target", &jit);
        std::printf("  seed %llu: %s: test accuracy %.2f%%\n", static_cast<unsigned long long>(kSeeds[k]),
                    text(chosen[k]).c_str(), 100 * a);
        mean += a / double(std::size(kSeeds));
    }
    return mean;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string folder = argc > 1 ? argv[1] : "data";
    const std::size_t epochs = argc > 2 ? std::stoul(argv[2]) : 30;
    const std::size_t threads = argc > 3 ? std::stoul(argv[3]) : 2;
    const gradc::Dataset digits = gradc::read_csv_file(folder + "/digits.csv");
    std::vector<std::size_t> train_rows, test_rows;
    gradc::bench::read_digits_split(folder + "/digits_split.csv", train_rows, test_rows);
    const gradc::Dataset train_set = digits.select_rows(train_rows), test_set = digits.select_rows(test_rows);
    gradc::Jit jit;
    jit.keep_compiled_code();
    std::printf("digits: %zu training rows (20%% held out for validation), %zu test rows; %zu epochs, %zu threads\n",
                train_set.rows(), test_set.rows(), epochs, threads);

    // The grid: every choice, 3 log-spaced values per continuous range.
    const gradc::SearchSpace space = gradc::parse_search_space(
        "lr=log(1e-4,1e-1); optimizer=adam|gd|rmsprop; batch-size=16|32|64; l2=log(1e-6,1e-2); mlp=32|64|64,32");
    std::vector<gradc::Settings> grid;
    for (const char* lr : {"0.0001", "0.003162", "0.1"})
        for (const char* optimizer : {"adam", "gd", "rmsprop"})
            for (const char* batch : {"16", "32", "64"})
                for (const char* l2 : {"1e-06", "0.0001", "0.01"})
                    for (const char* mlp : {"32", "64", "64,32"})
                        grid.push_back(
                            {{"lr", lr}, {"optimizer", optimizer}, {"batch-size", batch}, {"l2", l2}, {"mlp", mlp}});
    const auto grid_start = Clock::now();
    const std::size_t runs = grid.size() * std::size(kSeeds);
    std::vector<double> val_accuracy(runs, 0.0);
    gradc::ThreadPool pool(threads);
    pool.run(runs, [&](std::size_t run) {
        const std::size_t point = run / std::size(kSeeds), seed = kSeeds[run % std::size(kSeeds)];
        val_accuracy[run] = train(train_set, grid[point], epochs, seed, jit).val_accuracy;
    });
    // Summed in order, so the threads change nothing.
    std::vector<double> point_mean(grid.size(), 0.0);
    for (std::size_t run = 0; run < runs; ++run)
        point_mean[run / std::size(kSeeds)] += val_accuracy[run] / double(std::size(kSeeds));
    std::size_t best = 0;
    for (std::size_t p = 1; p < grid.size(); ++p)
        if (point_mean[p] > point_mean[best]) best = p;
    const std::size_t grid_epochs = runs * epochs;
    std::printf(
        "grid: %zu points x %zu seeds x %zu epochs = %zu epochs, %.0f s; best mean validation accuracy "
        "%.2f%%: %s\n",
        grid.size(), std::size(kSeeds), epochs, grid_epochs,
        std::chrono::duration<double>(Clock::now() - grid_start).count(), 100 * point_mean[best],
        text(grid[best]).c_str());
    const double grid_test =
        test_accuracy(train_set, test_set, std::vector<gradc::Settings>(3, grid[best]), epochs, jit);

    // Hyperband, once per seed, the three runs together within a quarter of the grid's epochs.
    gradc::TuneOptions o;
    o.method = gradc::SearchMethod::Hyperband;
    o.trials = 1000;
    o.max_epochs = epochs;
    o.budget = grid_epochs / 4 / std::size(kSeeds);
    o.by_accuracy = true;
    o.threads = threads;
    std::vector<gradc::Settings> chosen;
    std::size_t tune_epochs = 0;
    const auto tune_start = Clock::now();
    for (const std::uint64_t seed : kSeeds) {
        o.seed = seed;
        const gradc::TuneResult r =
            gradc::tune(space, o, [&](const gradc::Settings& s, std::size_t e, gradc::ThreadPool*) {
                const gradc::nn::MlpFitResult fit = train(train_set, s, e, seed, jit);
                gradc::TrialScore score;
                score.val_loss = fit.fit.val_loss;
                score.val_accuracy = fit.val_accuracy;
                score.epochs = fit.fit.epochs;
                score.failed = fit.fit.stop == gradc::FitStop::Diverged;
                score.reason = fit.fit.message;
                return score;
            });
        tune_epochs += r.epochs;
        const gradc::TrialRecord& best_trial = r.trials.at(r.best.value());
        std::printf("tune, seed %llu: %zu configurations, %zu trials, %zu epochs; validation accuracy %.2f%%\n",
                    static_cast<unsigned long long>(seed), r.plan.configs(), r.trials.size(), r.epochs,
                    100 * best_trial.score.val_accuracy);
        chosen.push_back(best_trial.settings);
    }
    std::printf("tune: %zu epochs in all (%.1f%% of the grid's), %.0f s\n", tune_epochs,
                100.0 * double(tune_epochs) / double(grid_epochs),
                std::chrono::duration<double>(Clock::now() - tune_start).count());
    const double tune_test = test_accuracy(train_set, test_set, chosen, epochs, jit);
    std::printf("mean test accuracy: grid's best %.2f%%, tune's %.2f%% (difference %+.2f points)\n", 100 * grid_test,
                100 * tune_test, 100 * (tune_test - grid_test));
    return std::fabs(tune_test - grid_test) <= 0.01 || tune_test > grid_test ? 0 : 1;
}
