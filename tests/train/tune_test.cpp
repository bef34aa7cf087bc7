// tune(): search spaces read with the place of each mistake, draws that follow each
// range, plans against Li et al.'s successive halving, and searches over a trial
// function with a known best: deterministic for any number of threads, halving keeping
// the best, failures recorded without stopping the search.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "gradc/error.hpp"
#include "gradc/thread_pool.hpp"
#include "gradc/tune.hpp"

using namespace gradc;

namespace {

// The column where parse_search_space(text) says the mistake is, and the message.
std::pair<std::size_t, std::string> mistake(const std::string& text) {
    try {
        (void)parse_search_space(text);
    } catch (const ParseError& e) {
        return {e.diagnostic().column, e.diagnostic().message};
    }
    FAIL("no error for: " << text);
    return {};
}

double value_of(const Settings& settings, const std::string& name) {
    for (const Setting& s : settings)
        if (s.name == name) return std::strtod(s.value.c_str(), nullptr);
    FAIL("no setting " << name);
    return 0;
}

// A trial whose validation loss is lowest at lr = 0.01 and falls with the epochs, the
// way training curves do: (log10 lr + 2)^2 + 1 / epochs, plus 0.5 for optimizer gd.
TrialScore synthetic(const Settings& settings, std::size_t epochs) {
    TrialScore s;
    const double lr = value_of(settings, "lr");
    s.val_loss = std::pow(std::log10(lr) + 2, 2) + 1.0 / double(epochs);
    for (const Setting& x : settings)
        if (x.name == "optimizer" && x.value == "gd") s.val_loss += 0.5;
    s.epochs = epochs;
    return s;
}

}  // namespace

TEST_CASE("a space reads every range kind", "[tune]") {
    const SearchSpace space =
        parse_search_space(" lr = log(1e-4, 1e-1); l2=uniform(0,0.5) ;units=int(2, 9); mlp=64,32|32 ; adam=yes;");
    REQUIRE(space.ranges.size() == 5);
    CHECK(space.ranges[0].name == "lr");
    CHECK(space.ranges[0].kind == RangeKind::LogUniform);
    CHECK(space.ranges[0].lo == 1e-4);
    CHECK(space.ranges[0].hi == 1e-1);
    CHECK(space.ranges[1].kind == RangeKind::Uniform);
    CHECK(space.ranges[1].hi == 0.5);
    CHECK(space.ranges[2].kind == RangeKind::Integer);
    CHECK(space.ranges[3].kind == RangeKind::Choice);
    CHECK(space.ranges[3].choices == std::vector<std::string>{"64,32", "32"});
    CHECK(space.ranges[4].choices == std::vector<std::string>{"yes"});
    // A choice may start like a range's name.
    CHECK(parse_search_space("activation=logistic|integer").ranges[0].choices.size() == 2);
}

TEST_CASE("a malformed space is refused at the place of the mistake", "[tune]") {
    CHECK(mistake("lr=log(1e-1, 1e-4)") ==
          std::pair<std::size_t, std::string>{14, "the upper bound must be above the lower one"});
    CHECK(mistake("lr=log(0, 1)").first == 8);
    CHECK(mistake("lr=log(1e-4, 1e-1").first == 18);
    CHECK(mistake("lr=log(1e-4)").second == "log takes two bounds, as in log(1, 10)");
    CHECK(mistake("lr=uniform(a, 1)").first == 12);
    CHECK(mistake("units=int(1.5, 4)").first == 11);
    CHECK(mistake("lr=log(1e-4,1e-1); optimizer adam").first == 34);
    CHECK(mistake("optimizer=adam||gd").first == 16);
    CHECK(mistake("lr=1|2; lr=3").second == "'lr' is given twice");
    CHECK(mistake("lr=1|2; lr=3").first == 9);
    CHECK(mistake("lr=").second.starts_with("expected a range after '='"));
    CHECK(mistake("2lr=1").first == 1);
    CHECK(mistake("").second.starts_with("the space is empty"));
}

TEST_CASE("draws follow each range and repeat for a seed", "[tune]") {
    const SearchSpace space = parse_search_space("lr=log(1e-4,1e-0); x=uniform(-1,3); n=int(2,5); o=a|b|c");
    std::size_t below_geometric_mean = 0, below_middle = 0;
    std::map<std::string, std::size_t> integers, choices;
    const std::size_t draws = 4000;
    for (std::size_t c = 0; c < draws; ++c) {
        const Settings s = draw_settings(space, 7, c);
        REQUIRE(s.size() == 4);
        CHECK(s == draw_settings(space, 7, c));
        const double lr = value_of(s, "lr"), x = value_of(s, "x");
        CHECK(lr >= 1e-4 * (1 - 5e-4));
        CHECK(lr <= 1.0 * (1 + 5e-4));
        CHECK(x >= -1);
        CHECK(x <= 3);
        below_geometric_mean += lr < 1e-2;
        below_middle += x < 1;
        ++integers[s[2].value];
        ++choices[s[3].value];
        // Rounded to 4 significant digits: the text is the number.
        char text[32];
        std::snprintf(text, sizeof text, "%.4g", lr);
        CHECK(s[0].value == text);
    }
    // Log-uniform: half the draws below the geometric mean (a uniform draw would put 1%
    // there); each half within 4 standard deviations of 2000.
    CHECK(std::abs(double(below_geometric_mean) - 2000) < 130);
    CHECK(std::abs(double(below_middle) - 2000) < 130);
    CHECK(integers.size() == 4);
    for (const auto& [value, n] : integers) CHECK(std::abs(double(n) - 1000) < 120);
    CHECK(choices.size() == 3);
    CHECK(draw_settings(space, 8, 0) != draw_settings(space, 7, 0));
}

TEST_CASE("the plans are Li et al.'s successive halving and Hyperband", "[tune]") {
    const SearchSpace continuous = parse_search_space("lr=log(1e-4,1)");
    TuneOptions o;
    o.max_epochs = 27;
    o.trials = 27;
    o.method = SearchMethod::Halving;
    SearchPlan plan = plan_search(continuous, o);
    REQUIRE(plan.brackets.size() == 1);
    const std::vector<std::pair<std::size_t, std::size_t>> rungs = {{27, 1}, {9, 3}, {3, 9}, {1, 27}};
    REQUIRE(plan.brackets[0].rungs.size() == rungs.size());
    for (std::size_t k = 0; k < rungs.size(); ++k) {
        CHECK(plan.brackets[0].rungs[k].configs == rungs[k].first);
        CHECK(plan.brackets[0].rungs[k].epochs == rungs[k].second);
    }
    CHECK(plan.epochs() == 27 + 27 + 27 + 27);

    // Hyperband with Li et al.'s own numbers (R = 81, eta = 3): brackets of 81, 34, 15,
    // 8 and 5 configurations, starting at 1, 3, 9, 27 and 81 epochs.
    o.method = SearchMethod::Hyperband;
    o.max_epochs = 81;
    o.trials = 143;
    plan = plan_search(continuous, o);
    REQUIRE(plan.brackets.size() == 5);
    const std::size_t sizes[] = {81, 34, 15, 8, 5}, starts[] = {1, 3, 9, 27, 81};
    for (std::size_t b = 0; b < 5; ++b) {
        CHECK(plan.brackets[b].rungs.front().configs == sizes[b]);
        CHECK(plan.brackets[b].rungs.front().epochs == starts[b]);
        CHECK(plan.brackets[b].rungs.back().epochs == 81);
    }
    CHECK(plan.configs() == 143);

    // Fewer trials are shared in the same proportions; a budget takes fewer still.
    o.trials = 40;
    plan = plan_search(continuous, o);
    CHECK(plan.configs() == 40);
    o.budget = 600;
    plan = plan_search(continuous, o);
    CHECK(plan.epochs() <= 600);
    // The most configurations that fit: one more would not.
    CHECK(plan_search(continuous,
                      [&] {
                          TuneOptions p = o;
                          p.budget.reset();
                          p.trials = plan.configs() + 1;
                          return p;
                      }())
              .epochs() > 600);
    o.method = SearchMethod::Random;
    CHECK(plan_search(continuous, o).configs() == 7);  // 600 / 81
    o.budget = 80;
    CHECK_THROWS_WITH(plan_search(continuous, o), Catch::Contains("less than one trial of 81 epochs"));
}

TEST_CASE("the trials of a rung run at once, and fewer trials than threads share them", "[tune]") {
    const SearchSpace space = parse_search_space("lr=log(1e-4,1)");
    TuneOptions o;
    o.method = SearchMethod::Halving;  // rungs of 9 trials of 1 epoch, 3 of 3, 1 of 9
    o.max_epochs = 9;
    o.trials = 9;
    o.threads = 4;
    std::atomic<int> running{0}, most{0};
    std::mutex lock;
    std::map<std::size_t, std::set<std::size_t>> pool_sizes;  // by epochs
    (void)tune(space, o, [&](const Settings& s, std::size_t epochs, ThreadPool* pool) {
        const int now = ++running;
        for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {}
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // time for the others to start
        --running;
        const std::lock_guard guard(lock);
        pool_sizes[epochs].insert(pool != nullptr ? pool->size() : 1);
        return synthetic(s, epochs);
    });
    CHECK(most.load() >= 2);
    CHECK(pool_sizes[1] == std::set<std::size_t>{1});  // 4 trials at once, a thread each
    CHECK(pool_sizes[3] == std::set<std::size_t>{1});  // 3 at once: 4 / 3 threads each
    CHECK(pool_sizes[9] == std::set<std::size_t>{4});  // the lone trial takes every thread
}

TEST_CASE("a search is the same for any number of threads and keeps the best", "[tune]") {
    const SearchSpace space = parse_search_space("lr=log(1e-4,1); optimizer=adam|gd");
    TuneOptions o;
    o.max_epochs = 27;
    o.trials = 30;
    o.seed = 3;
    const TrialFunction train = [](const Settings& s, std::size_t epochs, ThreadPool*) { return synthetic(s, epochs); };
    std::size_t calls = 0;
    const TuneResult one = tune(space, o, train, [&](const TrialRecord&, std::size_t ended) { calls = ended; });
    CHECK(calls == one.trials.size());
    CHECK(one.trials.size() == one.plan.trials());
    o.threads = 4;
    const TuneResult four = tune(space, o, train);
    REQUIRE(four.trials.size() == one.trials.size());
    for (std::size_t i = 0; i < one.trials.size(); ++i) {
        CHECK(four.trials[i].config == one.trials[i].config);
        CHECK(four.trials[i].settings == one.trials[i].settings);
        CHECK(four.trials[i].score.val_loss == one.trials[i].score.val_loss);
    }
    REQUIRE(one.best);
    CHECK(four.best == one.best);

    // The chosen one is the best of the full trials, and each rung went on with the best
    // configurations of the one before.
    const TrialRecord& best = one.trials[*one.best];
    CHECK(best.epochs == 27);
    std::map<std::pair<std::size_t, std::size_t>, std::vector<const TrialRecord*>> rungs;
    for (const TrialRecord& t : one.trials) {
        if (t.epochs == 27) CHECK(best.score.val_loss <= t.score.val_loss);
        rungs[{t.bracket, t.rung}].push_back(&t);
    }
    for (auto& [place, trials] : rungs) {
        if (place.second == 0) continue;
        std::vector<const TrialRecord*> before = rungs.at({place.first, place.second - 1});
        std::sort(before.begin(), before.end(),
                  [](const TrialRecord* a, const TrialRecord* b) { return a->score.val_loss < b->score.val_loss; });
        std::set<std::size_t> kept, best_before;
        for (const TrialRecord* t : trials) kept.insert(t->config);
        for (std::size_t i = 0; i < trials.size(); ++i) best_before.insert(before[i]->config);
        CHECK(kept == best_before);
    }
    CHECK(std::abs(std::log10(value_of(best.settings, "lr")) + 2) < 0.5);
    CHECK(best.settings[1].value == "adam");
}

TEST_CASE("by accuracy, trials without one rank after those with one", "[tune]") {
    // a beats c on accuracy, c beats b on loss, b beats a on loss: no cycle with b last.
    TrialRecord a, b, c;
    a.config = 0, b.config = 1, c.config = 2;
    a.score.val_loss = 1.0, a.score.val_accuracy = 0.9;
    b.score.val_loss = 0.5;
    c.score.val_loss = 0.1, c.score.val_accuracy = 0.8;
    CHECK(ranks_before(a, c, true));
    CHECK(ranks_before(c, b, true));
    CHECK(ranks_before(a, b, true));
    CHECK_FALSE(ranks_before(b, a, true));
    CHECK(ranks_before(b, a, false));
}

TEST_CASE("failing trials are recorded with their reason and the search goes on", "[tune]") {
    const SearchSpace space = parse_search_space("lr=log(1e-4,10)");
    TuneOptions o;
    o.method = SearchMethod::Random;
    o.max_epochs = 5;
    o.trials = 12;
    o.threads = 2;
    const TrialFunction train = [](const Settings& s, std::size_t epochs, ThreadPool*) {
        const double lr = value_of(s, "lr");
        if (lr > 1) throw Error("the loss diverged: lower --lr");
        TrialScore score = synthetic(s, epochs);
        if (lr > 0.1) score.val_loss = NAN;
        return score;
    };
    const TuneResult r = tune(space, o, train);
    REQUIRE(r.trials.size() == 12);
    std::set<std::string> reasons;
    for (const TrialRecord& t : r.trials) {
        const double lr = value_of(t.settings, "lr");
        CHECK(t.score.failed == (lr > 0.1));
        if (t.score.failed) reasons.insert(t.score.reason);
    }
    CHECK(reasons ==
          std::set<std::string>{"the loss diverged: lower --lr", "the validation loss is not a finite number"});
    REQUIRE(r.best);
    CHECK_FALSE(r.trials[*r.best].score.failed);

    // Every trial failing leaves nothing chosen.
    const TuneResult none =
        tune(space, o, [](const Settings&, std::size_t, ThreadPool*) -> TrialScore { throw std::runtime_error("no"); });
    CHECK_FALSE(none.best);
    CHECK(none.trials.size() == 12);
}

TEST_CASE("configurations differ while the space has room, and a finite space caps them", "[tune]") {
    const SearchSpace space = parse_search_space("optimizer=adam|gd|rmsprop; batch-size=int(1,2)");
    CHECK(distinct_settings(space) == 6);
    CHECK(distinct_settings(parse_search_space("a=1|2; b=uniform(0,1)")) == SIZE_MAX);
    const std::vector<Settings> six = draw_configurations(space, 5, 6);
    CHECK(std::set<Settings>(six.begin(), six.end()).size() == 6);
    CHECK(draw_configurations(space, 5, 4) == std::vector<Settings>(six.begin(), six.begin() + 4));
    TuneOptions o;
    o.method = SearchMethod::Random;
    o.trials = 40;
    o.max_epochs = 3;
    CHECK(plan_search(space, o).configs() == 6);
    // Drawing every setting of a space takes each once, however few are left at the end.
    const SearchSpace hundred = parse_search_space("n=int(1,100)");
    const std::vector<Settings> all = draw_configurations(hundred, 1, 100);
    CHECK(std::set<Settings>(all.begin(), all.end()).size() == 100);
    const TuneResult r = tune(space, o, [](const Settings&, std::size_t epochs, ThreadPool*) {
        TrialScore s;
        s.val_loss = 1;
        s.epochs = epochs;
        return s;
    });
    CHECK(r.trials.size() == 6);
}
