// The search of gradc/tune.hpp: the plan of brackets and rungs, and the trials of each
// rung run at once on the threads there are.
#include "gradc/tune.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>
#include <thread>

#include "gradc/error.hpp"
#include "gradc/thread_pool.hpp"

namespace gradc {
namespace {

// The largest s with eta^s <= max_epochs: the most rungs a bracket can have below a
// full trial while its first rung still gets an epoch.
std::size_t most_halvings(std::size_t max_epochs, std::size_t eta) {
    std::size_t s = 0;
    for (double p = static_cast<double>(eta); p <= static_cast<double>(max_epochs); p *= static_cast<double>(eta)) ++s;
    return s;
}

// Bracket s of `configs` configurations. A configuration left alone goes straight to
// max_epochs: the rungs between would only train it again.
BracketPlan bracket(std::size_t s, std::size_t configs, std::size_t first, const TuneOptions& o) {
    BracketPlan b;
    b.first_config = first;
    std::size_t n = configs;
    for (std::size_t k = 0; k <= s; ++k) {
        const bool last = k == s || n == 1;
        const double epochs = static_cast<double>(o.max_epochs) / std::pow(static_cast<double>(o.eta), double(s - k));
        b.rungs.push_back({n, last ? o.max_epochs : std::max<std::size_t>(1, std::llround(epochs))});
        if (last) break;
        n = std::max<std::size_t>(1, n / o.eta);
    }
    return b;
}

SearchPlan plan_with(const TuneOptions& o, std::size_t trials) {
    SearchPlan plan;
    if (o.method == SearchMethod::Random) {
        plan.brackets.push_back(bracket(0, trials, 0, o));
        return plan;
    }
    const std::size_t s_max = most_halvings(o.max_epochs, o.eta);
    if (o.method == SearchMethod::Halving) {
        plan.brackets.push_back(bracket(s_max, trials, 0, o));
        return plan;
    }
    // Hyperband: Li et al.'s bracket sizes, scaled to `trials` by largest remainder.
    std::vector<double> weight;
    for (std::size_t s = s_max + 1; s-- > 0;)
        weight.push_back(std::ceil(double(s_max + 1) / double(s + 1) * std::pow(double(o.eta), double(s))));
    const double total = std::accumulate(weight.begin(), weight.end(), 0.0);
    std::vector<std::size_t> share(weight.size());
    std::vector<std::pair<double, std::size_t>> remainders;
    std::size_t given = 0;
    for (std::size_t i = 0; i < weight.size(); ++i) {
        const double exact = double(trials) * weight[i] / total;
        share[i] = static_cast<std::size_t>(std::floor(exact));
        given += share[i];
        remainders.emplace_back(exact - std::floor(exact), i);
    }
    // The largest remainders first; on a tie the bracket with more halvings.
    std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (std::size_t k = 0; given < trials; ++k, ++given) ++share[remainders[k].second];
    std::size_t first = 0;
    for (std::size_t i = 0; i < share.size(); ++i) {
        if (share[i] == 0) continue;
        plan.brackets.push_back(bracket(s_max - i, share[i], first, o));
        first += share[i];
    }
    return plan;
}

// Runs `trials` at once on up to `threads` threads, each trial with an equal share of
// them, calling `ended` for each (under `lock`) as it ends.
void run_trials(std::vector<TrialRecord>& trials, std::size_t threads, const TrialFunction& train,
                const std::function<void(const TrialRecord&)>& ended) {
    const std::size_t at_once = std::min(threads, trials.size());
    const std::size_t per_trial = std::max<std::size_t>(1, threads / std::max<std::size_t>(1, at_once));
    std::atomic<std::size_t> next{0};
    std::mutex lock;
    std::exception_ptr error;  // the first that stops the search: the callback's, or a pool's
    const auto stop = [&] {
        const std::lock_guard guard(lock);
        if (!error) error = std::current_exception();
        next = trials.size();
    };
    const auto work = [&] {
        try {
            const std::unique_ptr<ThreadPool> pool = per_trial > 1 ? std::make_unique<ThreadPool>(per_trial) : nullptr;
            for (std::size_t i = next++; i < trials.size(); i = next++) {
                TrialRecord& t = trials[i];
                const auto start = std::chrono::steady_clock::now();
                try {
                    t.score = train(t.settings, t.epochs, pool.get());
                    if (!t.score.failed && !std::isfinite(t.score.val_loss)) {
                        t.score.failed = true;
                        t.score.reason = "the validation loss is not a finite number";
                    }
                } catch (const std::exception& e) {
                    t.score = TrialScore{};
                    t.score.failed = true;
                    t.score.reason = e.what();
                } catch (...) {
                    t.score = TrialScore{};
                    t.score.failed = true;
                    t.score.reason = "the trial threw something that is not an exception";
                }
                t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                const std::lock_guard guard(lock);
                if (!error) ended(t);
            }
        } catch (...) {
            stop();  // the caller's callback, or no threads for a pool
        }
    };
    {
        std::vector<std::jthread> helpers;  // joined when this block ends, however it ends
        try {
            for (std::size_t k = 1; k < at_once; ++k) helpers.emplace_back(work);
        } catch (...) {
            stop();
        }
        work();
    }
    if (error) std::rethrow_exception(error);
}

bool failed(const TrialRecord& t) { return t.score.failed || !std::isfinite(t.score.val_loss); }

}  // namespace

std::size_t SearchPlan::configs() const {
    std::size_t n = 0;
    for (const BracketPlan& b : brackets) n += b.rungs.front().configs;
    return n;
}

std::size_t SearchPlan::trials() const {
    std::size_t n = 0;
    for (const BracketPlan& b : brackets)
        for (const RungPlan& r : b.rungs) n += r.configs;
    return n;
}

std::size_t SearchPlan::epochs() const {
    std::size_t n = 0;
    for (const BracketPlan& b : brackets)
        for (const RungPlan& r : b.rungs) {
            // Saturating: a plan of more epochs than a size_t holds is over any budget.
            if (r.epochs != 0 && r.configs > (SIZE_MAX - n) / r.epochs) return SIZE_MAX;
            n += r.configs * r.epochs;
        }
    return n;
}

SearchPlan plan_search(const SearchSpace& space, const TuneOptions& o) {
    if (o.trials == 0) throw Error("a search needs at least one trial, as in --trials 20");
    if (o.max_epochs == 0) throw Error("a trial needs at least one epoch, as in --epochs 50");
    if (o.eta < 2) throw Error("--eta, the factor each rung keeps 1 in, must be 2 or more, as in --eta 3");
    std::size_t trials = std::min(o.trials, distinct_settings(space));
    if (o.budget) trials = std::min(trials, *o.budget);  // every trial takes an epoch at least
    if (o.budget && o.method == SearchMethod::Random) trials = std::min(trials, *o.budget / o.max_epochs);
    for (; trials > 0; --trials) {
        SearchPlan plan = plan_with(o, trials);
        if (!o.budget || plan.epochs() <= *o.budget) return plan;
    }
    throw Error("a budget of " + std::to_string(o.budget.value_or(0)) + " epochs is less than one trial of " +
                std::to_string(o.max_epochs) + " epochs: raise --budget or lower --epochs");
}

bool ranks_before(const TrialRecord& a, const TrialRecord& b, bool by_accuracy) {
    if (failed(a) != failed(b)) return failed(b);
    if (!failed(a)) {
        const double acc_a = a.score.val_accuracy, acc_b = b.score.val_accuracy;
        if (by_accuracy && std::isnan(acc_a) != std::isnan(acc_b)) return std::isnan(acc_b);
        if (by_accuracy && acc_a != acc_b && !std::isnan(acc_a)) return acc_a > acc_b;
        if (a.score.val_loss != b.score.val_loss) return a.score.val_loss < b.score.val_loss;
    }
    return a.config < b.config;
}

TuneResult tune(const SearchSpace& space, const TuneOptions& options, const TrialFunction& train,
                const std::function<void(const TrialRecord&, std::size_t ended)>& on_trial) {
    TuneResult result;
    result.plan = plan_search(space, options);
    const std::vector<Settings> configs = draw_configurations(space, options.seed, result.plan.configs());
    const std::size_t threads =
        options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    std::size_t ended = 0;
    const auto report = [&](const TrialRecord& t) {
        ++ended;
        if (on_trial) on_trial(t, ended);
    };
    for (std::size_t b = 0; b < result.plan.brackets.size(); ++b) {
        const BracketPlan& plan = result.plan.brackets[b];
        std::vector<std::size_t> alive(plan.rungs.front().configs);
        std::iota(alive.begin(), alive.end(), plan.first_config);
        for (std::size_t k = 0; k < plan.rungs.size() && !alive.empty(); ++k) {
            std::vector<TrialRecord> rung;
            for (const std::size_t c : alive) rung.push_back({c, b, k, plan.rungs[k].epochs, configs[c], {}, 0.0});
            run_trials(rung, threads, train, report);
            // The rung stays in configuration order; the best of it go on.
            std::vector<const TrialRecord*> ranked;
            for (const TrialRecord& t : rung) ranked.push_back(&t);
            std::sort(ranked.begin(), ranked.end(), [&](const TrialRecord* x, const TrialRecord* y) {
                return ranks_before(*x, *y, options.by_accuracy);
            });
            alive.clear();
            if (k + 1 < plan.rungs.size())
                for (std::size_t i = 0; i < plan.rungs[k + 1].configs && i < ranked.size() && !failed(*ranked[i]); ++i)
                    alive.push_back(ranked[i]->config);
            std::sort(alive.begin(), alive.end());
            result.trials.insert(result.trials.end(), rung.begin(), rung.end());
        }
    }
    for (std::size_t i = 0; i < result.trials.size(); ++i) {
        const TrialRecord& t = result.trials[i];
        result.epochs += t.score.epochs;
        if (t.epochs != options.max_epochs || failed(t)) continue;
        if (!result.best || ranks_before(t, result.trials[*result.best], options.by_accuracy)) result.best = i;
    }
    return result;
}

}  // namespace gradc
