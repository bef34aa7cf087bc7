// A one-line progress bar on standard error for a person watching a long run: the
// step reached, the loss, the rate and the time left, redrawn in place.
#pragma once

#include <chrono>
#include <cstddef>
#include <limits>
#include <string>

namespace gradc::cli {

// What the line shows.
struct ProgressState {
    std::string unit;        // "epoch" or "iteration"
    std::string value_name;  // "loss" or "value"
    std::size_t done = 0;    // steps finished
    std::size_t total = 0;   // the most the run takes
    double value = 0.0;
    double val_loss = std::numeric_limits<double>::quiet_NaN();  // shown when not NaN
    double rate = 0.0;       // steps per second; 0 while unknown
};

// "epoch 37/100 [#######.............]  loss 0.0196336  val_loss 0.021  412 epochs/s  ETA 0:00",
// at most `width` - 1 characters (the last column would wrap on some terminals):
// the bar goes first, then the end is cut.
std::string progress_line(const ProgressState& state, std::size_t width);

// "0:07", "12:04", "1:02:03"; "--:--" when not finite.
std::string duration_text(double seconds);

// Whether a redraw at `now` seconds is due: at most one every `interval` seconds, so a
// fast run spends its time running, not drawing.
class RedrawLimit {
public:
    explicit RedrawLimit(double interval) : interval_(interval) {}
    bool due(double now);

private:
    double interval_;
    double last_ = -std::numeric_limits<double>::infinity();
};

// Draws on standard error when `enabled`, and clears its line when finished or destroyed.
class ProgressBar {
public:
    ProgressBar(std::string unit, std::string value_name, std::size_t total, bool enabled);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    void update(std::size_t done, double value, double val_loss = std::numeric_limits<double>::quiet_NaN());
    // Clears the line, so that the results print on a clean one.
    void finish();

    // A bar is for a person at a terminal: standard error is one, and no --json.
    static bool wanted(bool json);

private:
    ProgressState state_;
    bool enabled_;
    bool drawn_ = false;
    RedrawLimit limit_{0.1};
    // The rate counts from the first update, so that compiling the kernels before the
    // first step does not make it look slow.
    std::chrono::steady_clock::time_point start_{};
    std::size_t first_done_ = 0;
    bool started_ = false;
};

}  // namespace gradc::cli
