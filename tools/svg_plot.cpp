#include "svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "gradc/error.hpp"

namespace gradc::cli {
namespace {

// The page and the plotting area inside it, in SVG user units (pixels).
constexpr double kWidth = 640, kHeight = 400;
constexpr double kLeft = 80, kRight = 620, kTop = 40, kBottom = 340;
constexpr const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"};
// Beyond this many points a series is thinned to every k-th: the area is 540 pixels wide.
constexpr std::size_t kMaxPoints = 2000;

// A step of m·10^e with m 1, 2 or 5.
struct Step {
    long long m;
    int e;
};

// k·m·10^e, computed so that it is the double nearest the decimal (3 · 0.1 gives 0.3).
double tick_value(long long k, Step s) {
    const double km = static_cast<double>(k * s.m);
    return s.e >= 0 ? km * std::pow(10.0, s.e) : km / std::pow(10.0, -s.e);
}

Step nice_step(double raw) {
    if (!(raw > 0) || !std::isfinite(raw)) return {1, 0};
    int e = static_cast<int>(std::floor(std::log10(raw)));
    const double fraction = raw / std::pow(10.0, e);
    // log10 rounds: a fraction just below 1 or at 10 belongs to the next decade.
    long long m = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10;
    if (m == 10) {
        m = 1;
        ++e;
    }
    return {m, e};
}

std::vector<double> ticks_with(double lo, double hi, Step s) {
    const double step = tick_value(1, s);
    const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
    const auto last = static_cast<long long>(std::ceil(hi / step - 1e-9));
    std::vector<double> ticks;
    for (long long k = first; k <= last; ++k) ticks.push_back(tick_value(k, s));
    return ticks;
}

std::string fixed(double v, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

}  // namespace

std::string svg_escaped(const std::string& text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

namespace {

// A title that fits above the plot: a long formula is cut, on a UTF-8 character's start.
std::string shortened(const std::string& title) {
    constexpr std::size_t kMost = 80;
    if (title.size() <= kMost) return title;
    std::size_t cut = kMost - 3;
    while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;
    return title.substr(0, cut) + "...";
}

// One axis: its range (log10 of the values on a log axis) and ticks.
struct Axis {
    double lo = 0, hi = 1;
    std::vector<double> ticks;  // in the axis's units (exponents on a log axis)
    std::vector<std::string> labels;
    bool log = false;
};

// Ticks of 1, 2, 5 × 10^k over the values; whole numbers only when `integers`.
Axis linear_axis(double lo, double hi, bool integers) {
    Axis a;
    if (lo == hi) {
        const double pad = lo != 0 ? std::fabs(lo) * 0.1 : 1;
        lo -= pad;
        hi += pad;
    }
    // hi/5 - lo/5, not (hi - lo)/5: the span of ±1e308 would overflow.
    Step s = nice_step(hi / 5 - lo / 5);
    if (integers && s.e < 0) s = {1, 0};
    a.ticks = ticks_with(lo, hi, s);
    for (const double t : a.ticks) a.labels.push_back(tick_label(t, tick_value(1, s)));
    a.lo = a.ticks.front();
    a.hi = a.ticks.back();
    return a;
}

std::string power_of_ten(int k) {
    if (k >= -3 && k <= 4) return fixed(std::pow(10.0, k), std::max(0, -k));
    char text[16];
    std::snprintf(text, sizeof text, "1e%+03d", k);
    return text;
}

// Ticks at powers of ten, every one, two, five... decades.
Axis log_axis(double lo, double hi) {
    Axis a;
    a.log = true;
    const double first = std::floor(std::log10(lo)), last = std::ceil(std::log10(hi));
    Step s = nice_step((last - first) / 6);
    if (s.e < 0) s = {1, 0};
    a.ticks = ticks_with(first, last, s);
    for (const double t : a.ticks) a.labels.push_back(power_of_ten(static_cast<int>(t)));
    a.lo = a.ticks.front();
    a.hi = a.ticks.back();
    return a;
}

// A point is drawn when both coordinates are finite, and y positive on a log axis.
bool drawable(double x, double y, bool log) { return std::isfinite(x) && std::isfinite(y) && (!log || y > 0); }

struct Plot {
    Axis x, y;
    // Page coordinates of x, and of y in the axis's units (an exponent on a log axis).
    double px(double u) const { return kLeft + (u - x.lo) / (x.hi - x.lo) * (kRight - kLeft); }
    double ty(double u) const { return kBottom - (u - y.lo) / (y.hi - y.lo) * (kBottom - kTop); }
    double py(double value) const { return ty(y.log ? std::log10(value) : value); }
};

std::string coordinate(double v) { return fixed(v, 1); }

void draw_axes(std::ostringstream& svg, const Plot& plot, const Chart& chart) {
    svg << "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
    for (const double t : plot.x.ticks)
        svg << "<line x1=\"" << coordinate(plot.px(t)) << "\" y1=\"" << kTop << "\" x2=\"" << coordinate(plot.px(t))
            << "\" y2=\"" << kBottom << "\"/>\n";
    for (const double t : plot.y.ticks) {
        const double y = plot.ty(t);
        svg << "<line x1=\"" << kLeft << "\" y1=\"" << coordinate(y) << "\" x2=\"" << kRight << "\" y2=\""
            << coordinate(y) << "\"/>\n";
    }
    svg << "</g>\n<g stroke=\"black\" stroke-width=\"1\">\n"
        << "<line x1=\"" << kLeft << "\" y1=\"" << kBottom << "\" x2=\"" << kRight << "\" y2=\"" << kBottom << "\"/>\n"
        << "<line x1=\"" << kLeft << "\" y1=\"" << kTop << "\" x2=\"" << kLeft << "\" y2=\"" << kBottom << "\"/>\n";
    for (const double t : plot.x.ticks)
        svg << "<line x1=\"" << coordinate(plot.px(t)) << "\" y1=\"" << kBottom << "\" x2=\"" << coordinate(plot.px(t))
            << "\" y2=\"" << kBottom + 5 << "\"/>\n";
    for (const double t : plot.y.ticks) {
        const double y = plot.ty(t);
        svg << "<line x1=\"" << kLeft - 5 << "\" y1=\"" << coordinate(y) << "\" x2=\"" << kLeft << "\" y2=\""
            << coordinate(y) << "\"/>\n";
    }
    svg << "</g>\n<g font-size=\"11\" fill=\"black\">\n";
    for (std::size_t i = 0; i < plot.x.ticks.size(); ++i)
        svg << "<text x=\"" << coordinate(plot.px(plot.x.ticks[i])) << "\" y=\"" << kBottom + 18
            << "\" text-anchor=\"middle\">" << svg_escaped(plot.x.labels[i]) << "</text>\n";
    for (std::size_t i = 0; i < plot.y.ticks.size(); ++i) {
        const double y = plot.ty(plot.y.ticks[i]);
        svg << "<text x=\"" << kLeft - 8 << "\" y=\"" << coordinate(y + 4) << "\" text-anchor=\"end\">"
            << svg_escaped(plot.y.labels[i]) << "</text>\n";
    }
    svg << "</g>\n<g font-size=\"13\" fill=\"black\" text-anchor=\"middle\">\n"
        << "<text x=\"" << (kLeft + kRight) / 2 << "\" y=\"" << kHeight - 14 << "\">" << svg_escaped(chart.x_label)
        << "</text>\n"
        << "<text transform=\"translate(18," << (kTop + kBottom) / 2 << ") rotate(-90)\">"
        << svg_escaped(chart.y_label + (plot.y.log ? " (log scale)" : "")) << "</text>\n";
    if (!chart.title.empty())
        svg << "<text x=\"" << (kLeft + kRight) / 2 << "\" y=\"24\" font-size=\"14\">"
            << svg_escaped(shortened(chart.title)) << "</text>\n";
    svg << "</g>\n";
}

// Each run of drawable points as a polyline, or a dot when it has one point.
void draw_series(std::ostringstream& svg, const Plot& plot, const PlotSeries& s, const char* color) {
    const std::size_t n = std::min(s.x.size(), s.y.size());
    const std::size_t stride = n > kMaxPoints ? (n + kMaxPoints - 1) / kMaxPoints : 1;
    std::vector<std::pair<double, double>> run;
    const auto flush = [&] {
        if (run.size() == 1) {
            svg << "<circle cx=\"" << coordinate(run[0].first) << "\" cy=\"" << coordinate(run[0].second)
                << "\" r=\"2.5\" fill=\"" << color << "\"/>\n";
        } else if (run.size() > 1) {
            svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.5\" points=\"";
            for (std::size_t i = 0; i < run.size(); ++i)
                svg << (i ? " " : "") << coordinate(run[i].first) << ',' << coordinate(run[i].second);
            svg << "\"/>\n";
        }
        run.clear();
    };
    const auto visit = [&](std::size_t i) {
        if (drawable(s.x[i], s.y[i], plot.y.log))
            run.emplace_back(plot.px(s.x[i]), plot.py(s.y[i]));
        else
            flush();
    };
    if (s.dots) {
        for (std::size_t i = 0; i < n; ++i)
            if (drawable(s.x[i], s.y[i], plot.y.log))
                svg << "<circle cx=\"" << coordinate(plot.px(s.x[i])) << "\" cy=\"" << coordinate(plot.py(s.y[i]))
                    << "\" r=\"3\" fill=\"" << color << "\" fill-opacity=\"0.7\"/>\n";
        return;
    }
    for (std::size_t i = 0; i < n; i += stride) visit(i);
    if (n > 0 && (n - 1) % stride != 0) visit(n - 1);  // the last point, where the run ended
    flush();
}

void draw_legend(std::ostringstream& svg, const Chart& chart) {
    const double x = kRight - 150;
    // A white box keeps the names readable where a line runs behind them.
    svg << "<rect x=\"" << x - 8 << "\" y=\"" << kTop + 4 << "\" width=\"150\" height=\""
        << 18 * static_cast<double>(chart.series.size()) + 4
        << "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>\n"
        << "<g font-size=\"12\" fill=\"black\">\n";
    for (std::size_t k = 0; k < chart.series.size(); ++k) {
        const double y = kTop + 14 + 18 * static_cast<double>(k);
        svg << "<line x1=\"" << x << "\" y1=\"" << y << "\" x2=\"" << x + 24 << "\" y2=\"" << y << "\" stroke=\""
            << kColors[k % std::size(kColors)] << "\" stroke-width=\"2\"/>\n"
            << "<text x=\"" << x + 30 << "\" y=\"" << y + 4 << "\">" << svg_escaped(chart.series[k].name)
            << "</text>\n";
    }
    svg << "</g>\n";
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, std::size_t target) {
    if (!(lo <= hi) || !std::isfinite(lo) || !std::isfinite(hi)) return {};
    if (lo == hi) return {lo};
    const double parts = static_cast<double>(std::max<std::size_t>(target, 1));
    return ticks_with(lo, hi, nice_step(hi / parts - lo / parts));
}

std::string tick_label(double value, double step) {
    const Step s = nice_step(step);
    if (std::fabs(value) < tick_value(1, s) * 1e-6) return "0";
    if (s.e >= -5 && std::fabs(value) < 1e7) return fixed(value, std::max(0, -s.e));
    // Enough significant digits to tell ticks a step apart.
    const int digits = std::max(0, static_cast<int>(std::floor(std::log10(std::fabs(value)))) - s.e);
    char text[64];
    std::snprintf(text, sizeof text, "%.*e", digits, value);
    return text;
}

bool wants_log_scale(std::span<const double> values) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (const double v : values) {
        if (!std::isfinite(v)) continue;
        if (v <= 0) return false;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    return hi > 1000 * lo;
}

std::string svg_chart(const Chart& chart) {
    std::vector<double> ys;
    for (const PlotSeries& s : chart.series) ys.insert(ys.end(), s.y.begin(), s.y.end());
    const bool log = wants_log_scale(ys);
    double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
    bool integers = true;
    for (const PlotSeries& s : chart.series)
        for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
            if (!drawable(s.x[i], s.y[i], log)) continue;
            x_lo = std::min(x_lo, s.x[i]);
            x_hi = std::max(x_hi, s.x[i]);
            y_lo = std::min(y_lo, s.y[i]);
            y_hi = std::max(y_hi, s.y[i]);
            integers = integers && s.x[i] == std::floor(s.x[i]);
        }
    const bool empty = x_lo > x_hi;
    Plot plot;
    plot.x = empty ? linear_axis(0, 1, false) : linear_axis(x_lo, x_hi, integers);
    plot.y = empty ? linear_axis(0, 1, false) : log ? log_axis(y_lo, y_hi) : linear_axis(y_lo, y_hi, false);

    std::ostringstream svg;
    svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
        << "\" viewBox=\"0 0 " << kWidth << ' ' << kHeight << "\" font-family=\"sans-serif\">\n"
        << "<rect width=\"" << kWidth << "\" height=\"" << kHeight << "\" fill=\"white\"/>\n";
    draw_axes(svg, plot, chart);
    for (std::size_t k = 0; k < chart.series.size(); ++k)
        draw_series(svg, plot, chart.series[k], kColors[k % std::size(kColors)]);
    if (chart.series.size() > 1) draw_legend(svg, chart);
    if (empty)
        svg << "<text x=\"" << (kLeft + kRight) / 2 << "\" y=\"" << (kTop + kBottom) / 2
            << "\" font-size=\"13\" text-anchor=\"middle\" fill=\"#888888\">no finite values to plot</text>\n";
    svg << "</svg>\n";
    return svg.str();
}

std::string svg_grid(std::span<const std::string> charts, std::size_t columns) {
    columns = std::max<std::size_t>(1, std::min(columns, charts.size()));
    const std::size_t rows = (charts.size() + columns - 1) / columns;
    const double width = double(columns) * kWidth, height = double(std::max<std::size_t>(1, rows)) * kHeight;
    std::ostringstream svg;
    svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
        << "\" viewBox=\"0 0 " << width << ' ' << height << "\" font-family=\"sans-serif\">\n"
        << "<rect width=\"" << width << "\" height=\"" << height << "\" fill=\"white\"/>\n";
    for (std::size_t k = 0; k < charts.size(); ++k) {
        // Each chart's document without its XML declaration, nested where it goes.
        std::string_view chart = charts[k];
        if (chart.starts_with("<?xml")) chart.remove_prefix(chart.find('\n') + 1);
        svg << "<g transform=\"translate(" << double(k % columns) * kWidth << ',' << double(k / columns) * kHeight
            << ")\">\n"
            << chart << "</g>\n";
    }
    svg << "</svg>\n";
    return svg.str();
}

PlotFile::PlotFile(const std::string& path) : path_(path), out_(path) {
    if (!out_) throw Error("cannot write the plot to '" + path + "': check that its folder exists and is writable");
}

void PlotFile::write(const Chart& chart) { write(svg_chart(chart)); }

void PlotFile::write(const std::string& svg) {
    out_ << svg;
    out_.flush();
    if (!out_) throw Error("could not write the plot to '" + path_ + "': is the disk full?");
}

}  // namespace gradc::cli
