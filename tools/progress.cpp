#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace gradc::cli {
namespace {

constexpr std::size_t kBarWidth = 20;

std::string number_g(double v, int digits) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*g", digits, v);
    return text;
}

// Steps per second in 3 or 4 digits: "0.52", "41.2", "412", "4120", "41.2k", "412k", "4.1M".
std::string rate_text(double rate) {
    if (rate >= 1e6) return number_g(rate / 1e6, rate >= 1e8 ? 3 : 2) + "M";
    if (rate >= 1e4) return number_g(rate / 1e3, 3) + "k";
    return number_g(rate, rate >= 1000 ? 4 : 3);
}

std::size_t terminal_width() {
    winsize size{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 80;
}

}  // namespace

std::string duration_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--:--";
    const auto total = static_cast<unsigned long long>(std::llround(seconds));
    const unsigned long long h = total / 3600, m = total / 60 % 60, s = total % 60;
    char text[48];
    if (h > 0)
        std::snprintf(text, sizeof text, "%llu:%02llu:%02llu", h, m, s);
    else
        std::snprintf(text, sizeof text, "%llu:%02llu", m, s);
    return text;
}

std::string progress_line(const ProgressState& state, std::size_t width) {
    std::string head = state.unit + " " + std::to_string(state.done);
    if (state.total > 0) head.append("/").append(std::to_string(state.total));
    std::string bar;
    if (state.total > 0) {
        const std::size_t filled = std::min(state.done, state.total) * kBarWidth / state.total;
        bar = " [" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "]";
    }
    std::string tail = "  " + state.value_name + " " + number_g(state.value, 6);
    if (!std::isnan(state.val_loss)) tail.append("  val_loss ").append(number_g(state.val_loss, 6));
    const double rate = state.rate;
    if (rate > 0) tail.append("  ").append(rate_text(rate)).append(" ").append(state.unit).append("s/s");
    if (state.total > 0) {
        const double left = state.done >= state.total ? 0.0
                            : rate > 0                ? static_cast<double>(state.total - state.done) / rate
                                                      : NAN;
        tail.append("  ETA ").append(duration_text(left));
    }
    const std::size_t room = width > 0 ? width - 1 : 0;
    std::string line = head + bar + tail;
    if (line.size() > room) line = head + tail;
    if (line.size() > room) line.resize(room);
    return line;
}

bool RedrawLimit::due(double now) {
    if (now - last_ < interval_) return false;
    last_ = now;
    return true;
}

ProgressBar::ProgressBar(std::string unit, std::string value_name, std::size_t total, bool enabled)
    : enabled_(enabled) {
    state_.unit = std::move(unit);
    state_.value_name = std::move(value_name);
    state_.total = total;
}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::size_t done, double value, double val_loss) {
    if (!enabled_) return;
    if (!started_) {
        start_ = std::chrono::steady_clock::now();
        first_done_ = done;
        started_ = true;
    }
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (!limit_.due(now)) return;
    state_.done = done;
    state_.value = value;
    state_.val_loss = val_loss;
    state_.rate = now > 0 && done > first_done_ ? static_cast<double>(done - first_done_) / now : 0.0;
    // \r returns to the line's start and ESC[K erases what a longer line left behind.
    std::fprintf(stderr, "\r%s\x1b[K", progress_line(state_, terminal_width()).c_str());
    std::fflush(stderr);
    drawn_ = true;
}

void ProgressBar::finish() {
    if (!drawn_) return;
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
}

bool ProgressBar::wanted(bool json) { return !json && isatty(STDERR_FILENO); }

}  // namespace gradc::cli
