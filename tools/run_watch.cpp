#include "run_watch.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace gradc::cli {

RunWatch::RunWatch(std::string unit, std::string value, std::size_t total, bool json, const std::string& plot_path,
                   bool keep)
    : unit_(std::move(unit)),
      value_(std::move(value)),
      bar_(unit_, value_, total, ProgressBar::wanted(json)),
      keep_(keep || !plot_path.empty()) {
    if (!plot_path.empty()) plot_.emplace(plot_path);
}

void RunWatch::record(std::size_t step, double value, double val_loss) {
    bar_.update(step, value, val_loss);
    if (!keep_) return;
    steps_.push_back(static_cast<double>(step));
    values_.push_back(value);
    val_losses_.push_back(val_loss);
}

void RunWatch::finish(const std::string& title) {
    bar_.finish();
    if (!plot_) return;
    Chart chart{title, unit_, value_, {}};
    const bool validated = std::any_of(val_losses_.begin(), val_losses_.end(), [](double v) { return !std::isnan(v); });
    if (validated) {
        chart.series.push_back({"training " + value_, steps_, values_});
        chart.series.push_back({"validation " + value_, steps_, val_losses_});
    } else {
        chart.series.push_back({value_, steps_, values_});
    }
    plot_->write(chart);
}

}  // namespace gradc::cli
