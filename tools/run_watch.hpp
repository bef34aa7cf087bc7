// What fit and minimize do with each step of a run as it comes: draw the progress bar
// on a terminal and keep the values for --plot.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "progress.hpp"
#include "svg_plot.hpp"

namespace gradc::cli {

class RunWatch {
public:
    // `unit` counts the steps ("epoch"), `value` names what they report ("loss");
    // `total` is the most steps the run takes. The bar shows when ProgressBar::wanted(json);
    // a --plot path is opened here, so that one that cannot be written fails before the run.
    // The values are kept for a plot, or when `keep` asks (a run of millions of steps
    // would otherwise hold them for nothing).
    RunWatch(std::string unit, std::string value, std::size_t total, bool json, const std::string& plot_path,
             bool keep = false);

    void record(std::size_t step, double value, double val_loss = std::numeric_limits<double>::quiet_NaN());
    // Clears the bar, then writes the plot when there is one: the values by step, and
    // the validation losses when any were reported.
    void finish(const std::string& title);

    // What was recorded, when the values are kept.
    const std::vector<double>& steps() const { return steps_; }
    const std::vector<double>& values() const { return values_; }

private:
    std::string unit_, value_;
    ProgressBar bar_;
    std::optional<PlotFile> plot_;
    bool keep_;
    std::vector<double> steps_, values_, val_losses_;
};

}  // namespace gradc::cli
