// gradc tune's leaderboard as text and JSON (tune_report.hpp).
#include "tune_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "subcommand.hpp"

namespace gradc::cli {
namespace {

std::string printed(const char* format, double v) {
    char text[64];
    std::snprintf(text, sizeof text, format, v);
    return text;
}

std::string percent(double v) { return std::isnan(v) ? "" : printed("%.2f%%", 100 * v); }

// Columns as wide as their widest cell, numbers to the right.
class Table {
public:
    void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
    void write(std::ostream& out, std::size_t numbers_from) const {
        std::vector<std::size_t> width;
        for (const auto& r : rows_)
            for (std::size_t c = 0; c < r.size(); ++c) {
                width.resize(std::max(width.size(), r.size()));
                width[c] = std::max(width[c], r[c].size());
            }
        for (const auto& r : rows_) {
            std::string line;
            for (std::size_t c = 0; c < r.size(); ++c) {
                const std::string pad(width[c] - r[c].size(), ' ');
                line += (c ? "  " : "") + (c < 2 || c >= numbers_from ? pad + r[c] : r[c] + pad);
            }
            while (!line.empty() && line.back() == ' ') line.pop_back();
            out << line << '\n';
        }
    }

private:
    std::vector<std::vector<std::string>> rows_;
};

std::string plan_line(const TuneReport& report) {
    const SearchPlan& plan = report.result.plan;
    std::string line = "search: " + std::string(search_method_name(report.options.method)) + ", " +
                       std::to_string(plan.configs()) + " configurations";
    if (plan.brackets.size() > 1) line += " in " + std::to_string(plan.brackets.size()) + " brackets";
    line += ", " + std::to_string(plan.trials()) + " trials, " + std::to_string(plan.epochs()) + " epochs planned";
    if (report.options.budget) line += " (budget " + std::to_string(*report.options.budget) + ")";
    return line;
}

JsonObject settings_json(const Settings& settings) {
    JsonObject o;
    for (const Setting& s : settings) o.emplace_back(s.name, s.value);
    return o;
}

JsonObject trial_json(const TrialRecord& t, bool times) {
    JsonObject o{{"trial", double(t.config + 1)},        {"bracket", double(t.bracket + 1)},
                 {"rung", double(t.rung + 1)},           {"epochs", double(t.epochs)},
                 {"epochs_run", double(t.score.epochs)}, {"settings", settings_json(t.settings)}};
    if (t.score.failed) {
        o.emplace_back("failed", t.score.reason);
    } else {
        o.emplace_back("val_loss", t.score.val_loss);
        if (!std::isnan(t.score.val_accuracy)) o.emplace_back("val_accuracy", t.score.val_accuracy);
    }
    if (times) o.emplace_back("seconds", t.seconds);
    return o;
}

}  // namespace

std::vector<const TrialRecord*> leaderboard(const TuneReport& report) {
    std::vector<const TrialRecord*> last(report.result.plan.configs(), nullptr);
    for (const TrialRecord& t : report.result.trials)
        if (last[t.config] == nullptr || t.epochs >= last[t.config]->epochs) last[t.config] = &t;
    std::erase(last, nullptr);  // none when every configuration ran, as it does
    const bool by_accuracy = report.options.by_accuracy;
    std::sort(last.begin(), last.end(), [&](const TrialRecord* a, const TrialRecord* b) {
        return a->epochs != b->epochs ? a->epochs > b->epochs : ranks_before(*a, *b, by_accuracy);
    });
    return last;
}

void write_tune_text(std::ostream& out, const TuneReport& report) {
    out << plan_line(report) << '\n'
        << "chosen on: validation " << (report.options.by_accuracy ? "accuracy" : "loss") << ", "
        << number_text(100 * report.validation) << "% of the rows held out (seed " << report.options.seed << ")\n\n";
    const std::vector<const TrialRecord*> board = leaderboard(report);
    const bool accuracy = std::any_of(board.begin(), board.end(),
                                      [](const TrialRecord* t) { return !std::isnan(t->score.val_accuracy); });
    Table table;
    std::vector<std::string> head = {"rank", "trial"};
    for (const SearchRange& r : report.space.ranges) head.push_back(r.name);
    const std::size_t numbers_from = head.size();
    head.insert(head.end(), {"epochs", "val_loss"});
    if (accuracy) head.push_back("val_accuracy");
    if (report.times) head.push_back("seconds");
    table.row(head);
    std::vector<double> seconds(report.result.plan.configs(), 0.0);  // a configuration's trials together
    for (const TrialRecord& t : report.result.trials) seconds[t.config] += t.seconds;
    std::vector<const TrialRecord*> failed;
    for (std::size_t k = 0; k < board.size(); ++k) {
        const TrialRecord& t = *board[k];
        std::vector<std::string> cells = {std::to_string(k + 1), std::to_string(t.config + 1)};
        for (const Setting& s : t.settings) cells.push_back(s.value);
        cells.push_back(std::to_string(t.score.epochs));
        cells.push_back(t.score.failed ? "failed" : printed("%.6g", t.score.val_loss));
        if (accuracy) cells.push_back(t.score.failed ? "" : percent(t.score.val_accuracy));
        if (report.times) cells.push_back(printed("%.2f", seconds[t.config]));
        table.row(cells);
        if (t.score.failed) failed.push_back(&t);
    }
    table.write(out, numbers_from);
    for (const TrialRecord* t : failed) out << "trial " << t->config + 1 << " failed: " << t->score.reason << '\n';
    out << '\n';
    const TuneResult& r = report.result;
    if (r.best) {
        const TrialRecord& best = r.trials[*r.best];
        out << "chosen: trial " << best.config + 1 << ", validation loss " << printed("%.6g", best.score.val_loss);
        if (!std::isnan(best.score.val_accuracy)) out << ", accuracy " << percent(best.score.val_accuracy);
        out << "\n  " << report.command << '\n';
    } else {
        out << "no trial of " << report.options.max_epochs << " epochs finished: each one failed (see above)\n";
    }
    out << "epochs run: " << r.epochs << "; kernels: " << report.kernels.compiled << " compiled, "
        << report.kernels.cache_hits << " reused\n";
    if (report.test)
        out << "test (" << report.test->path << ", " << report.test->rows << " rows): "
            << (report.test->classifier ? "accuracy " + percent(report.test->value)
                                        : "mse " + printed("%.6g", report.test->value))
            << '\n';
}

Json tune_json(const TuneReport& report) {
    const TuneResult& r = report.result;
    JsonArray trials;
    for (const TrialRecord& t : r.trials) trials.emplace_back(trial_json(t, report.times));
    JsonObject o{{"method", std::string(search_method_name(report.options.method))},
                 {"configurations", double(r.plan.configs())},
                 {"epochs_planned", double(r.plan.epochs())},
                 {"epochs_run", double(r.epochs)},
                 {"validation", report.validation},
                 {"metric", report.options.by_accuracy ? "accuracy" : "loss"},
                 {"trials", std::move(trials)}};
    if (report.options.budget) o.emplace_back("budget", double(*report.options.budget));
    if (r.best) {
        JsonObject best = trial_json(r.trials[*r.best], report.times);
        best.emplace_back("command", report.command);
        o.emplace_back("chosen", std::move(best));
    }
    o.emplace_back("kernels", JsonObject{{"compiled", double(report.kernels.compiled)},
                                         {"reused", double(report.kernels.cache_hits)}});
    if (report.test)
        o.emplace_back("test", JsonObject{{"path", report.test->path},
                                          {"rows", double(report.test->rows)},
                                          {report.test->classifier ? "accuracy" : "mse", report.test->value}});
    return o;
}

}  // namespace gradc::cli
