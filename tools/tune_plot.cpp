// gradc tune --plot: validation loss against the trials, and against each searched
// setting, a dot per trial coloured by the epochs it ran (tune_report.hpp).
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>

#include "svg_plot.hpp"
#include "tune_report.hpp"

namespace gradc::cli {
namespace {

// Where a setting's value goes on its axis: log10 of a log range's value, a choice's
// position among the choices, else the number.
double position(const SearchRange& range, const std::string& value) {
    switch (range.kind) {
        case RangeKind::LogUniform: return std::log10(std::strtod(value.c_str(), nullptr));
        case RangeKind::Choice:
            for (std::size_t k = 0; k < range.choices.size(); ++k)
                if (range.choices[k] == value) return double(k);
            return NAN;
        case RangeKind::Uniform:
        case RangeKind::Integer: return std::strtod(value.c_str(), nullptr);
    }
    return NAN;
}

std::string axis_label(const SearchRange& range) {
    if (range.kind == RangeKind::LogUniform) return range.name + " (log10)";
    if (range.kind != RangeKind::Choice) return range.name;
    std::string label = range.name + ":";
    for (std::size_t k = 0; k < range.choices.size(); ++k)
        label += (k ? ", " : " ") + std::to_string(k) + " " + range.choices[k];
    return label;
}

// One chart: the finished trials' validation losses against `x` of each trial, a series
// per number of epochs asked.
std::string chart(const TuneReport& report, const std::string& title, const std::string& x_label,
                  const std::function<double(const TrialRecord&)>& x) {
    std::map<std::size_t, PlotSeries> by_epochs;
    for (const TrialRecord& t : report.result.trials) {
        if (t.score.failed) continue;
        PlotSeries& s = by_epochs[t.epochs];
        s.name = std::to_string(t.epochs) + (t.epochs == 1 ? " epoch" : " epochs");
        s.dots = true;
        s.x.push_back(x(t));
        s.y.push_back(t.score.val_loss);
    }
    Chart c{title, x_label, "validation loss", {}};
    for (auto& [epochs, series] : by_epochs) c.series.push_back(std::move(series));
    return svg_chart(c);
}

}  // namespace

std::string tune_svg(const TuneReport& report) {
    std::vector<std::string> charts;
    charts.push_back(
        chart(report, "validation loss by trial", "trial", [](const TrialRecord& t) { return double(t.config + 1); }));
    for (std::size_t k = 0; k < report.space.ranges.size(); ++k) {
        const SearchRange& range = report.space.ranges[k];
        charts.push_back(chart(report, "validation loss by " + range.name, axis_label(range),
                               [&](const TrialRecord& t) { return position(range, t.settings[k].value); }));
    }
    return svg_grid(charts, 2);
}

}  // namespace gradc::cli
