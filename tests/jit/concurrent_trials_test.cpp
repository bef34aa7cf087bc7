// A search's trials on several threads at once, each fitting with one shared Jit that
// keeps its code: the same results and the same number of compilations as on one thread
// (the concurrency gradc tune relies on; run under ThreadSanitizer in CI).
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/fit.hpp"
#include "gradc/jit.hpp"
#include "gradc/tune.hpp"

using namespace gradc;

namespace {

Dataset noisy_line() {
    Dataset d;
    d.names = {"x", "y"};
    d.columns.resize(2);
    for (int i = 0; i < 200; ++i) {
        const double x = -1 + 0.01 * i;
        d.columns[0].push_back(x);
        d.columns[1].push_back(3 * x + 2 + 0.1 * std::sin(37.0 * i));
    }
    return d;
}

struct Search {
    TuneResult result;
    JitStats stats;
};

Search search(std::size_t threads) {
    const Dataset data = noisy_line();
    Jit jit;
    jit.keep_compiled_code();
    TuneOptions o;
    o.max_epochs = 9;
    o.trials = 8;
    o.seed = 4;
    o.threads = threads;
    const SearchSpace space = parse_search_space("lr=log(1e-3,3e-1); optimizer=adam|gd|rmsprop; loss=mse|mae");
    Search s;
    s.result = tune(space, o, [&](const Settings& settings, std::size_t epochs, ThreadPool* pool) {
        FitOptions f;
        f.target = "y";
        f.loss = Loss::named(settings[2].value);
        f.method = method_named(settings[1].value);
        f.learning_rate = std::stod(settings[0].value);
        f.batch_size = 16;
        f.epochs = epochs;
        f.validation = 0.25;
        f.seed = 4;
        f.jit = &jit;
        f.pool = pool;
        const FitResult r = fit("w*x + b", data, f);
        TrialScore score;
        score.val_loss = r.val_loss;
        score.epochs = r.epochs;
        return score;
    });
    s.stats = jit.stats();
    return s;
}

}  // namespace

TEST_CASE("trials on threads sharing a Jit give one thread's results and compile each kernel once",
          "[jit][threads][cache]") {
    const Search one = search(1), three = search(3);
    REQUIRE(one.result.trials.size() == three.result.trials.size());
    for (std::size_t i = 0; i < one.result.trials.size(); ++i) {
        CHECK(three.result.trials[i].settings == one.result.trials[i].settings);
        CHECK(three.result.trials[i].score.val_loss == one.result.trials[i].score.val_loss);
    }
    CHECK(three.result.best == one.result.best);
    // Two losses, two kernels: compiled once each however many trials ask at once.
    CHECK(one.stats.compiled == three.stats.compiled);
    CHECK(three.stats.compiled + three.stats.cache_hits >= three.result.trials.size());
    CHECK(three.stats.compiled < three.result.trials.size());
}
