// Line charts as SVG for --plot: the losses of a fit by epoch, the values of a
// minimization by iteration (explain's pictures: attribution_plot.hpp). Axes with "nice" ticks, labels, a legend for several
// series, and a log scale when the values span many decades.
#pragma once

#include <cstddef>
#include <fstream>
#include <span>
#include <string>
#include <vector>

namespace gradc::cli {

struct PlotSeries {
    std::string name;
    std::vector<double> x, y;  // as many of each; points with a NaN or infinity are left out
    bool dots = false;  // each point a dot, not joined: a scatter
};

struct Chart {
    std::string title;
    std::string x_label, y_label;
    std::vector<PlotSeries> series;
};

// Tick values at a step of 1, 2 or 5 times a power of ten, about `target` of them,
// from at or below `lo` to at or above `hi` (lo <= hi, both finite; to a billionth of
// a step, so that rounding adds no tick beyond an end that is one).
std::vector<double> nice_ticks(double lo, double hi, std::size_t target = 5);

// The text of a tick `value` on an axis whose ticks are `step` apart: as few digits as
// tell the ticks apart ("0.2", "1500", "2.5e-07").
std::string tick_label(double value, double step);

// Whether `values` call for a logarithmic axis: all the finite ones positive, the
// largest above 1000 times the smallest.
bool wants_log_scale(std::span<const double> values);

// `text` with &, <, > and " written as SVG (XML) entities.
std::string svg_escaped(const std::string& text);

// The chart as a standalone SVG document. Never fails: an empty series, one point or
// nothing finite gives axes with what there is.
std::string svg_chart(const Chart& chart);

// Charts (svg_chart's documents) side by side, `columns` to a row, as one document.
std::string svg_grid(std::span<const std::string> charts, std::size_t columns);

// An SVG file opened before a long run, so that a path that cannot be written fails at
// once (gradc::Error) rather than after the run.
class PlotFile {
public:
    explicit PlotFile(const std::string& path);
    // Writes the chart, or an SVG document made elsewhere; gradc::Error when the disk
    // refuses it.
    void write(const Chart& chart);
    void write(const std::string& svg);

private:
    std::string path_;
    std::ofstream out_;
};

}  // namespace gradc::cli
