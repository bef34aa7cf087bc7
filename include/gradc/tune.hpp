// Hyper-parameter search: a space of settings, random search and successive halving /
// Hyperband (Li et al., 2018) with epochs as the resource, trials run in parallel and
// compared on validation results only. What a trial trains is the caller's (gradc tune
// trains `gradc fit` runs); docs/tune.md explains the search for users.
//
// - A space is "name=range; name=range; ...", each name once. A range is
//     log(a, b)      log-uniform on [a, b], 0 < a < b
//     uniform(a, b)  uniform on [a, b], a < b
//     int(a, b)      an integer from a to b, each as likely, a < b
//     v1|v2|...      one of the values, each as likely; one value fixes the setting
//   A value is the text up to the next | or ; with the spaces around it trimmed, so
//   "mlp=64,32|32" chooses between 64,32 and 32.
// - Configuration c (0, 1, ...) draws its settings from std::mt19937_64 seeded by
//   std::seed_seq{seed & 0xffffffff, seed >> 32, c & 0xffffffff, c >> 32, a}, one draw
//   per range in the space's order, for a = 0, 1, ... until they differ from every earlier
//   configuration's (100 attempts; then, in a space of choices and integers, the first
//   unused settings in the order that varies the last range fastest), so that a space of
//   few choices is not tried twice over. They depend on neither the method nor the order
//   trials finish in. A space of choices and integers alone has at most its
//   product of configurations. A drawn real is rounded to 4 significant digits: the value
//   a trial trains with is the value shown.
// - A trial trains one configuration for a number of epochs, from the start. Methods:
//     random     every configuration for max_epochs
//     halving    successive halving: one bracket (below) of `trials` configurations
//     hyperband  brackets s = s_max, ..., 0, with s_max = floor(log_eta(max_epochs)); the
//                default
//   Bracket s starts n configurations at round(max_epochs / eta^s) epochs (at least 1);
//   after each rung the best floor(n / eta) (at least 1) train again from the start for eta
//   times the epochs, until a rung of max_epochs. Hyperband shares the trials among its
//   brackets in Li et al.'s proportions ceil((s_max + 1) / (s + 1) · eta^s), by largest
//   remainder; halving takes s = s_max. When a budget (epochs summed over all trials) is
//   set, the most configurations whose plan fits it are taken (random: budget / max_epochs).
// - Trials are ranked by validation loss (lower first), or with by_accuracy by validation
//   accuracy (higher first, then loss; trials without one after those with one); a
//   failed trial ranks after every other, and ties
//   go to the earlier configuration. The chosen configuration is the best of the trials
//   that ran max_epochs, so it is compared with the others on equal terms.
// - The trials of a rung run at once on up to `threads` threads, each trial then getting
//   threads / (trials at once) of them; the trial function must give the same result for
//   any number of threads (fit() does), so the search is deterministic for a seed.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradc {

class ThreadPool;

enum class RangeKind { LogUniform, Uniform, Integer, Choice };

struct SearchRange {
    std::string name;
    RangeKind kind = RangeKind::Choice;
    double lo = 0.0, hi = 0.0;          // LogUniform, Uniform, Integer
    std::vector<std::string> choices{};  // Choice
};

struct SearchSpace {
    std::vector<SearchRange> ranges;
};

// Reads a space. Throws ParseError at the place that is wrong: a missing '=', an unknown
// range, bounds out of order, a name given twice, an empty value.
SearchSpace parse_search_space(std::string_view text);

// One drawn setting: its name and the value as text ("0.003162", "adam", "64,32").
struct Setting {
    std::string name;
    std::string value;
    auto operator<=>(const Setting&) const = default;
};
using Settings = std::vector<Setting>;

// One draw of configuration `config`'s settings, attempt `attempt`.
Settings draw_settings(const SearchSpace& space, std::uint64_t seed, std::size_t config, std::size_t attempt = 0);
// The settings of configurations 0 to count - 1 (see the top of this file).
std::vector<Settings> draw_configurations(const SearchSpace& space, std::uint64_t seed, std::size_t count);
// How many different settings the space has: the product of its choices and integer
// ranges, or SIZE_MAX with a continuous range.
std::size_t distinct_settings(const SearchSpace& space);

enum class SearchMethod { Random, Halving, Hyperband };
// "random", "halving", "hyperband"; gradc::Error names the choices.
SearchMethod search_method_named(std::string_view name);
std::string_view search_method_name(SearchMethod method) noexcept;

struct TuneOptions {
    SearchMethod method = SearchMethod::Hyperband;
    std::size_t trials = 40;      // the most configurations
    std::size_t max_epochs = 100;  // the epochs of a full trial
    std::optional<std::size_t> budget{};  // the most epochs, summed over all trials
    std::size_t eta = 3;           // halving's and Hyperband's reduction factor, 2 or more
    std::uint64_t seed = 0;
    bool by_accuracy = false;
    std::size_t threads = 1;  // 0: one per hardware thread
};

// Which trials a search runs, before any runs.
struct RungPlan {
    std::size_t configs = 0;
    std::size_t epochs = 0;
};
struct BracketPlan {
    std::size_t first_config = 0;  // its configurations are first_config, first_config + 1, ...
    std::vector<RungPlan> rungs;   // rungs[0].configs configurations start; the last rung is max_epochs
};
struct SearchPlan {
    std::vector<BracketPlan> brackets;
    std::size_t configs() const;
    std::size_t trials() const;  // trials over all rungs
    std::size_t epochs() const;  // epochs over all trials, when none stops early
};
// Throws gradc::Error for options that allow no trial (a budget below one trial's
// epochs, 0 trials or epochs, eta below 2). At most distinct_settings(space) configurations.
SearchPlan plan_search(const SearchSpace& space, const TuneOptions& options);

// What a trial reports: its validation results, or why it failed.
struct TrialScore {
    double val_loss = std::numeric_limits<double>::quiet_NaN();
    double val_accuracy = std::numeric_limits<double>::quiet_NaN();  // NaN: not a classifier
    std::size_t epochs = 0;  // epochs run (fewer than asked when the fit stopped early)
    bool failed = false;     // diverged or could not train; val_loss is then not compared
    std::string reason{};
};

struct TrialRecord {
    std::size_t config = 0;
    std::size_t bracket = 0, rung = 0;
    std::size_t epochs = 0;  // asked
    Settings settings;
    TrialScore score;
    double seconds = 0.0;
};

// Trains `settings` for `epochs` epochs and reports the validation results; `pool` is
// null or the threads the trial may use. Called from several threads at once. A
// gradc::Error (or any std::exception) it throws fails the trial with its message.
using TrialFunction = std::function<TrialScore(const Settings& settings, std::size_t epochs, ThreadPool* pool)>;

struct TuneResult {
    SearchPlan plan;
    std::vector<TrialRecord> trials;  // in plan order: bracket, rung, then configuration
    std::optional<std::size_t> best;  // index into trials; none when every full trial failed
    std::size_t epochs = 0;           // epochs run, summed
};

// Runs the search. `on_trial` (optional) sees each trial as it ends, one call at a time,
// with the number of trials ended so far.
TuneResult tune(const SearchSpace& space, const TuneOptions& options, const TrialFunction& train,
                const std::function<void(const TrialRecord&, std::size_t ended)>& on_trial = {});

// Whether trial a ranks before trial b by `by_accuracy`'s metric (see the top).
bool ranks_before(const TrialRecord& a, const TrialRecord& b, bool by_accuracy);

}  // namespace gradc
